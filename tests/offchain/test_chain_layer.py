"""offchain/chain against a real anvil: TxSender (nonces, preflight, decoded reverts) and LogFollower (cursor,
confirmations, topic filter, one DB transaction per batch)."""

from contextlib import contextmanager

import pytest
from brownie import LogEmitter, web3
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.orm import Session
from web3 import HTTPProvider, Web3

from offchain.chain import abi as abis
from offchain.chain.errors import TxReverted, decode_revert
from offchain.chain.events import LogFollower, cursor_table, topic_of_address
from offchain.chain.tx import TxSender
from offchain.devnet_keys import dev_private_key


def anvil_key(index: int) -> str:
    return dev_private_key(index).hex()


@pytest.fixture(scope="module")
def w3():
    return Web3(HTTPProvider(web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def emitter(accounts):
    return LogEmitter.deploy({"from": accounts[0]})


@pytest.fixture
def sender(w3):
    abis.reload()  # brownie compiled LogEmitter after the cache may have been filled
    return TxSender(w3, anvil_key(27))


@pytest.fixture
def db():
    metadata = MetaData()
    table = cursor_table(metadata)
    engine = create_engine("sqlite://")
    metadata.create_all(engine)

    @contextmanager
    def transaction():
        with Session(engine) as s, s.begin():
            yield s

    return table, transaction


def test_sends_in_order_and_tracks_nonces(w3, sender, emitter):
    contract = w3.eth.contract(address=emitter.address, abi=emitter.abi)
    start = w3.eth.get_transaction_count(sender.address)
    seen = []
    for v in (1, 2, 3):
        receipt = sender.send(contract.functions.setValue(v), on_sent=lambda h, n: seen.append(n))
        assert receipt["status"] == 1
    assert seen == [start, start + 1, start + 2]
    assert emitter.value() == 3
    assert sender.pending_count() == 0 and sender.wait_idle(1)


def test_a_call_the_contract_would_reject_is_never_sent(w3, sender, emitter):
    contract = w3.eth.contract(address=emitter.address, abi=emitter.abi)
    nonce = w3.eth.get_transaction_count(sender.address)
    with pytest.raises(TxReverted) as info:
        sender.send(contract.functions.setValue(50))
    assert info.value.reason == "ValueTooLarge(50, 10)"
    assert info.value.error_name == "ValueTooLarge"
    assert w3.eth.get_transaction_count(sender.address) == nonce  # nothing broadcast


def test_a_mined_revert_is_replayed_into_its_reason(w3, sender, emitter):
    contract = w3.eth.contract(address=emitter.address, abi=emitter.abi)
    with pytest.raises(TxReverted) as info:
        sender.send(
            contract.functions.setValue(60), gas=100_000
        )  # skips the estimate: the tx is mined and fails
    assert info.value.reason == "ValueTooLarge(60, 10)"
    assert info.value.tx_hash


def test_decode_revert_handles_strings_panics_and_unknown_selectors():
    assert (
        decode_revert(
            bytes.fromhex("08c379a0")
            + (32).to_bytes(32, "big")
            + (2).to_bytes(32, "big")
            + b"hi"
            + b"\0" * 30
        )
        == "Error('hi')"
    )
    assert decode_revert(bytes.fromhex("4e487b71") + (0x11).to_bytes(32, "big")) == "Panic(0x11)"
    assert decode_revert(bytes.fromhex("deadbeef")) == "unknown error 0xdeadbeef"
    assert decode_revert(b"") == "reverted without data"


def test_log_follower_applies_events_and_cursor_together(w3, accounts, emitter, db):
    table, transaction = db
    pool, other = accounts[5], accounts[6]
    for i in range(5):
        emitter.notice(pool, bytes([i]) * 32, {"from": accounts[0]})
    emitter.notice(other, b"\x09" * 32, {"from": accounts[0]})  # another pool's notice: filtered out by topic
    start = emitter.tx.block_number
    follower = LogFollower(
        w3,
        "deals",
        emitter.address,
        emitter.abi,
        ["SchedulerNotice"],
        table,
        extra_topics=[topic_of_address(pool.address)],
        batch_size=2,
        start_block=start,
    )
    seen = []
    assert follower.poll(transaction, lambda s, e: seen.append(e.args["dealid"][0])) == 5
    assert seen == [0, 1, 2, 3, 4]
    assert follower.poll(transaction, lambda s, e: seen.append(e)) == 0  # cursor persisted: nothing replayed
    with transaction() as s:
        assert s.execute(select(table.c.next_block)).scalar() == w3.eth.block_number + 1


def test_a_failing_handler_keeps_the_cursor(w3, accounts, emitter, db):
    table, transaction = db
    pool = accounts[7]
    emitter.notice(pool, b"\x01" * 32, {"from": accounts[0]})
    follower = LogFollower(
        w3,
        "f",
        emitter.address,
        emitter.abi,
        ["SchedulerNotice"],
        table,
        extra_topics=[topic_of_address(pool.address)],
        start_block=emitter.tx.block_number,
    )

    def boom(_s, _e):
        raise RuntimeError("crash while applying")

    with pytest.raises(RuntimeError):
        follower.poll(transaction, boom)
    got = []
    assert follower.poll(transaction, lambda s, e: got.append(e)) == 1  # the event is still there to apply


def test_confirmations_hold_back_the_newest_blocks(w3, accounts, emitter, db):
    table, transaction = db
    pool = accounts[8]
    emitter.notice(pool, b"\x02" * 32, {"from": accounts[0]})
    block = w3.eth.block_number
    follower = LogFollower(
        w3,
        "c",
        emitter.address,
        emitter.abi,
        ["SchedulerNotice"],
        table,
        extra_topics=[topic_of_address(pool.address)],
        confirmations=2,
        start_block=block,
    )
    assert follower.poll(transaction, lambda s, e: None) == 0
    emitter.setValue(1, {"from": accounts[0]})
    emitter.setValue(2, {"from": accounts[0]})
    assert follower.poll(transaction, lambda s, e: None) == 1
