"""The scheduler store on both back ends (SQLite file, PostgreSQL server): writers with their own connections and
process locks (as separate scheduler processes on one database have) race on the same rows, and the database alone
must keep compare-and-set writes, idempotent creation and the histories exact."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fixtures.scheduler import FakeChain, add_task, task_row
from sqlalchemy import func, select

from offchain.protocol import workflow as wf
from offchain.scheduler.store import Replicate, ReplicateHistory, Store, StoreError, Task, TaskHistory

WRITERS = 6
HOLD = 0.3  # seconds the winner keeps its transaction open, so the others really wait on its row lock


@pytest.fixture
def stores(db_url):
    """WRITERS independent stores on one database: own connection pool, own process lock."""
    made = [Store(db_url) for _ in range(WRITERS)]
    yield made
    for store in made:
        store.close()


def race(stores, body):
    """Run body(store, session) in every store at once, each in its own transaction, all started together; a
    writer whose body returns True holds its transaction open for HOLD seconds before committing."""
    barrier = threading.Barrier(len(stores))

    def one(store):
        with store.tx() as s:
            barrier.wait(timeout=20)
            won = body(store, s)
            if won:
                time.sleep(HOLD)
            return won

    with ThreadPoolExecutor(len(stores)) as pool:
        return list(pool.map(one, stores))


def test_the_back_end_is_the_one_asked_for(db_url):
    store = Store(db_url)
    try:
        assert store.engine.dialect.name == db_url.split(":")[0].split("+")[0]
    finally:
        store.close()


def test_task_cas_from_separate_connections_has_one_winner(stores):
    task_id = add_task(stores[0], FakeChain(), status="RECEIVED")

    def body(store, s):
        assert s.scalar(select(Task.status).where(Task.task_id == task_id)) == wf.RECEIVED  # all saw RECEIVED
        return store.set_task_status(s, task_id, wf.RECEIVED, wf.INITIALIZING, "race")

    started = time.monotonic()
    assert sorted(race(stores, body)) == [False] * (WRITERS - 1) + [True]
    assert time.monotonic() - started >= HOLD
    with stores[0].read() as s:
        assert s.scalar(select(Task.status).where(Task.task_id == task_id)) == wf.INITIALIZING
        assert (
            s.scalar(select(Task.version).where(Task.task_id == task_id)) == 1
        )  # moved once, not once per writer
        rows = s.execute(
            select(TaskHistory.from_status, TaskHistory.to_status).order_by(TaskHistory.id)
        ).all()
    assert [tuple(r) for r in rows] == [(None, wf.RECEIVED), (wf.RECEIVED, wf.INITIALIZING)]


def test_replicate_cas_from_separate_connections_has_one_winner(stores):
    task_id = add_task(stores[0], FakeChain())
    with stores[0].tx() as s:
        assert stores[0].add_replicate(s, task_id, "0x" + "aa" * 20, 2)

    def body(store, s):
        return store.set_replicate_status(s, task_id, "0x" + "aa" * 20, wf.CREATED, wf.STARTED, "WORKER")

    assert sorted(race(stores, body)) == [False] * (WRITERS - 1) + [True]
    with stores[0].read() as s:
        history = s.scalars(select(ReplicateHistory.to_status).order_by(ReplicateHistory.id)).all()
    assert history == [wf.CREATED, wf.STARTED]


def test_task_creation_from_separate_connections_is_idempotent(stores):
    chain = FakeChain()

    def body(store, s):
        return store.create_task(s, **task_row(chain, idx=5, trust=1))

    assert sorted(race(stores, body)) == [False] * (WRITERS - 1) + [True]
    with stores[0].read() as s:
        assert s.scalar(select(func.count()).select_from(Task)) == 1
        assert s.scalar(select(func.count()).select_from(TaskHistory)) == 1


def test_replicate_creation_from_separate_connections_is_idempotent(stores):
    task_id = add_task(stores[0], FakeChain())
    results = race(stores, lambda store, s: store.add_replicate(s, task_id, "0x" + "bb" * 20, 3))
    assert sorted(results) == [False] * (WRITERS - 1) + [True]
    with stores[0].read() as s:
        assert s.scalar(select(func.count()).select_from(Replicate)) == 1
        assert s.scalars(select(ReplicateHistory.to_status)).all() == [wf.CREATED]


def test_indexes_and_weights_beyond_32_bits_round_trip(db_url):
    """Deal volumes are 48-bit on chain, so task indexes are too; PostgreSQL's INTEGER would overflow."""
    store = Store(db_url)
    try:
        task_id = add_task(store, FakeChain(), idx=2**40 + 3)
        with store.tx() as s:
            store.add_replicate(s, task_id, "0x" + "cc" * 20, 2**40)
        with store.read() as s:
            assert s.get(Task, task_id).idx == 2**40 + 3
            assert s.scalar(select(Replicate.weight)) == 2**40
    finally:
        store.close()


@pytest.mark.parametrize(
    "url, words",
    [
        ("mysql://u:secret@127.0.0.1/x", "unsupported database"),
        ("not a url", "not a database URL"),
        ("postgresql://u:secret@127.0.0.1:9/x", "cannot connect to postgresql+psycopg://u:***@127.0.0.1:9/x"),
        ("postgres://u:secret@127.0.0.1:9/x", "cannot connect to postgresql+psycopg://u:***@127.0.0.1:9/x"),
        ("postgresql+asyncpg://u:secret@127.0.0.1:9/x", "driver 'asyncpg' is not supported for postgresql"),
        ("postgres+pg8000://u:secret@127.0.0.1:9/x", "driver 'pg8000' is not supported for postgresql"),
    ],
)
def test_bad_database_urls_give_one_clear_error_without_the_password(url, words):
    with pytest.raises(StoreError) as info:
        Store(url)
    assert words in str(info.value) and "secret" not in str(info.value)


@pytest.mark.parametrize("alias", ["postgresql://", "postgres://"])
def test_plain_postgresql_urls_use_psycopg(postgres_server, pg_url, alias):
    store = Store(pg_url.replace("postgresql+psycopg://", alias))
    try:
        assert store.engine.dialect.driver == "psycopg"
        assert add_task(store, FakeChain())
    finally:
        store.close()
