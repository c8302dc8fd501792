"""`python -m offchain.scheduler`: a bad configuration exits 2 with one line saying what is wrong."""

import subprocess
import sys
from pathlib import Path

import pytest
from brownie import web3
from fixtures.scheduler import dev_key

from offchain.scheduler.__main__ import main

REPO = Path(__file__).resolve().parents[2]
POOL = "0x" + "12" * 20


def run_main(capsys, *args):
    code = main(list(args))
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


@pytest.fixture
def key_file(tmp_path, accounts):
    path = tmp_path / "key"
    path.write_text(dev_key(accounts[9]))
    return str(path)


def test_missing_key(capsys, monkeypatch):
    monkeypatch.delenv("POCO_SCHEDULER_KEY", raising=False)
    assert run_main(capsys, "--workerpool", POOL) == (
        2,
        ["scheduler: no scheduler key: pass --key-file or set POCO_SCHEDULER_KEY"],
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["--key-file", "/nonexistent/key"], "cannot read key file /nonexistent/key"),
        (["--workerpool", "0x1234"], "is not an address"),
        (["--rpc", "http://127.0.0.1:9"], "cannot reach the chain node at http://127.0.0.1:9"),
        (["--hub", POOL], f"no contract code at hub address {POOL}"),
    ],
)
def test_bad_configuration_exits_2_with_one_line(capsys, key_file, args, words):
    base = {"--key-file": key_file, "--workerpool": POOL, "--rpc": web3.provider.endpoint_uri, "--hub": POOL}
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    argv = [x for k, v in {**base, **pairs}.items() for x in (k, v)]
    code, err = run_main(capsys, *argv)
    assert code == 2 and len(err) == 1 and words in err[0], err


def test_a_key_that_does_not_own_the_pool_is_refused(capsys, key_file, hub, pool_market, scheduler):
    pool = pool_market.workerpool.address
    argv = [
        "--key-file",
        key_file,
        "--workerpool",
        pool,
        "--rpc",
        web3.provider.endpoint_uri,
        "--hub",
        hub.address,
    ]
    code, err = run_main(capsys, *argv)
    assert code == 2 and len(err) == 1
    assert f"is not the owner {scheduler.address} of workerpool {pool}" in err[0]


def test_the_process_exits_non_zero_with_one_line(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "offchain.scheduler",
            "--workerpool",
            POOL,
            "--key-file",
            str(tmp_path / "missing"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"scheduler: cannot read key file {tmp_path / 'missing'}: No such file or directory"
    ]


def _owner_argv(key, hub, pool_market):
    return [
        "--key-file", key, "--workerpool", pool_market.workerpool.address,
        "--rpc", web3.provider.endpoint_uri, "--hub", hub.address,
    ]  # fmt: skip


# The PostgreSQL spellings the README promises for --db and $POCO_SCHEDULER_DB.
PG_ALIASES = ["postgresql://", "postgres://", "postgresql+psycopg://"]


@pytest.mark.parametrize("alias", PG_ALIASES)
@pytest.mark.parametrize("via", ["flag", "env"])
def test_an_unreachable_database_is_refused_without_its_password(
    capsys, monkeypatch, tmp_path, via, alias, hub, pool_market, scheduler
):
    key = tmp_path / "pool.key"
    key.write_text(dev_key(scheduler))
    url = f"{alias}pool:hunter2@127.0.0.1:9/scheduler"
    argv = _owner_argv(str(key), hub, pool_market)
    if via == "flag":
        argv += ["--db", url]
    else:
        monkeypatch.setenv("POCO_SCHEDULER_DB", url)
    code, err = run_main(capsys, *argv)
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(
        "scheduler: database: cannot connect to postgresql+psycopg://pool:***@127.0.0.1:9/scheduler: "
    )
    assert "hunter2" not in err[0]


@pytest.mark.parametrize("form", ["path", "sqlite:///", *PG_ALIASES])
def test_every_database_spelling_of_the_readme_starts(tmp_path, form, hub, pool_market, scheduler, request):
    from offchain.scheduler.__main__ import build, parse_args

    if form == "path":
        db, dialect = str(tmp_path / "pool.sqlite"), "sqlite"
    elif form == "sqlite:///":
        db, dialect = f"sqlite:///{tmp_path / 'pool.sqlite'}", "sqlite"
    else:
        db, dialect = request.getfixturevalue("pg_url").replace("postgresql+psycopg://", form), "postgresql"
    key = tmp_path / "pool.key"
    key.write_text(dev_key(scheduler))
    argv = _owner_argv(str(key), hub, pool_market) + ["--db", db, "--results-dir", str(tmp_path / "results")]
    sched, _app = build(parse_args(argv))
    try:
        assert sched.store.engine.dialect.name == dialect
        assert sched.store.engine.dialect.driver == {"sqlite": "pysqlite", "postgresql": "psycopg"}[dialect]
        sched.tick()  # reads the chain and writes its cursors: the database is usable
    finally:
        sched.store.close()


def test_the_database_url_can_come_from_the_environment(
    monkeypatch, tmp_path, pg_url, hub, pool_market, scheduler
):
    from offchain.scheduler.__main__ import build, parse_args

    key = tmp_path / "pool.key"
    key.write_text(dev_key(scheduler))
    monkeypatch.setenv("POCO_SCHEDULER_DB", pg_url)
    args = parse_args(_owner_argv(str(key), hub, pool_market) + ["--results-dir", str(tmp_path / "results")])
    sched, _app = build(args)
    try:
        assert sched.store.engine.dialect.name == "postgresql"
        assert sched.store.url.database == pg_url.rsplit("/", 1)[1]
    finally:
        sched.store.close()


def test_a_database_of_another_chain_is_refused(capsys, tmp_path, hub, pool_market, scheduler):
    # the demo once reused a folder from an earlier devnet: same addresses, new chain, and the old cursor hid the deal
    key = tmp_path / "scheduler.key"
    key.write_text(dev_key(scheduler))
    db = tmp_path / "scheduler.sqlite"
    argv = ["--key-file", str(key), "--workerpool", pool_market.workerpool.address]
    argv += ["--rpc", web3.provider.endpoint_uri, "--hub", hub.address, "--db", str(db)]

    from offchain.scheduler.__main__ import build, parse_args
    from offchain.scheduler.store import Meta, Store

    build(parse_args(argv))  # the first start records the chain
    build(parse_args(argv))  # the same chain again is fine
    store = Store(f"sqlite:///{db}")
    with store.tx() as s:
        s.get(Meta, "chain").value = b"chain 1 genesis 0x00 hub 0x00 pool 0x00"
    code, err = run_main(capsys, *argv)
    assert code == 2 and len(err) == 1
    assert f"database {db} holds the state of another chain or pool (chain 1 genesis 0x00" in err[0]
