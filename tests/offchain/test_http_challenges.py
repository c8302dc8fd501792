"""offchain/http/challenges on SQLite: one challenge per request, single use, expiry, bounds per wallet and in
total, purge; a flood of challenge requests can neither lock a wallet out nor grow the table."""

import secrets
import threading

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from sqlalchemy import MetaData, create_engine, func, select
from sqlalchemy.orm import Session

from offchain.http.challenges import ChallengeStore, challenge_table, purge_expired, signed_by

NOW = 1_000_000.0


@pytest.fixture
def db(tmp_path):
    metadata = MetaData()
    table = challenge_table(metadata)
    assert challenge_table(metadata) is table  # idempotent on one metadata
    engine = create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    metadata.create_all(engine)
    return engine, table


def sign(account, challenge: str) -> str:
    return account.sign_message(encode_defunct(primitive=bytes.fromhex(challenge[2:]))).signature.hex()


def rows(engine, table) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(table))


def test_a_later_challenge_does_not_void_an_earlier_one(db):
    engine, table = db
    store = ChallengeStore(table, ttl=60)
    worker = Account.create()
    with Session(engine) as s, s.begin():
        mine = store.issue(s, worker.address, NOW)
        store.issue(s, worker.address, NOW + 1)  # someone else asks one for the same wallet
    with Session(engine) as s, s.begin():
        assert store.consume_signed(s, worker.address, sign(worker, mine), NOW + 2)
    with Session(engine) as s, s.begin():  # single use
        assert not store.consume_signed(s, worker.address, sign(worker, mine), NOW + 3)
        assert not store.consume(s, worker.address, mine, NOW + 3)


def test_wrong_signer_wallet_or_expiry_is_refused(db):
    engine, table = db
    store = ChallengeStore(table, ttl=60)
    worker, other = Account.create(), Account.create()
    with Session(engine) as s, s.begin():
        value = store.issue(s, worker.address, NOW)
        assert not store.consume_signed(s, worker.address, sign(other, value), NOW)
        assert not store.consume_signed(s, worker.address, "0xdeadbeef", NOW)
        assert not store.consume(s, other.address, value, NOW)  # issued to another wallet
        assert not store.consume(s, worker.address, value, NOW + 61)  # expired
        assert store.consume(s, worker.address, value, NOW + 60)
    assert signed_by(value, sign(worker, value), worker.address.lower())


def test_bounds_drop_the_oldest_and_purge_drops_expired(db):
    engine, table = db
    store = ChallengeStore(table, ttl=60, per_wallet=3, total=10)
    victim = Account.create()
    with Session(engine) as s, s.begin():
        issued = [store.issue(s, victim.address, NOW + i) for i in range(5)]
        assert store.pending(s, victim.address, NOW + 5) == issued[:1:-1]  # the three newest, newest first
        for i in range(9):
            store.issue(s, f"0x{i:040x}", NOW + 10 + i)
    assert rows(engine, table) == 10
    with Session(engine) as s, s.begin():
        assert store.pending(s, victim.address, NOW + 20) == [issued[4]]  # the total bound ate the oldest two
        assert store.consume_signed(s, victim.address, sign(victim, issued[4]), NOW + 20)
    with Session(engine) as s, s.begin():
        assert purge_expired(s, table, NOW + 10 + 4 + 60 + 0.5) == 5  # issued at NOW+10..NOW+14
    assert rows(engine, table) == 4


def test_a_flood_of_random_wallets_keeps_the_table_bounded_and_logins_working(db):
    engine, table = db
    store = ChallengeStore(table, ttl=300, per_wallet=4, total=500)
    worker = Account.create()
    with Session(engine) as s, s.begin():
        mine = store.issue(s, worker.address, NOW)
    for batch in range(30):  # the probe made 2,721 rows in 20 s
        with Session(engine) as s, s.begin():
            for i in range(100):
                store.issue(s, "0x" + secrets.token_hex(20), NOW + 1 + batch + i * 1e-3)
                if batch == 0 and i < 3:  # and asked for the worker's own wallet too
                    store.issue(s, worker.address, NOW + 1 + i * 1e-3)
        if batch == 2:  # the worker signs while the flood goes on: its challenge is still there
            with Session(engine) as s, s.begin():
                assert store.consume_signed(s, worker.address, sign(worker, mine), NOW + 4)
    assert rows(engine, table) == 500
    with Session(engine) as s, s.begin():
        assert len(store.pending(s, worker.address, NOW + 10)) <= 4


def test_concurrent_logins_with_one_signature_succeed_once(db):
    engine, table = db
    store = ChallengeStore(table)
    worker = Account.create()
    with Session(engine) as s, s.begin():
        value = store.issue(s, worker.address)
    signature, wins, barrier = sign(worker, value), [], threading.Barrier(4)

    def login():
        barrier.wait()
        with Session(engine) as s, s.begin():
            wins.append(store.consume_signed(s, worker.address, signature))

    threads = [threading.Thread(target=login) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False, False, False, True]


def test_bad_bounds_are_refused(db):
    _, table = db
    with pytest.raises(ValueError, match="per_wallet"):
        ChallengeStore(table, per_wallet=5, total=4)
