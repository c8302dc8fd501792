"""The worker keeps running when what it depends on fails: the chain node, a lost reply, the disk, its own computes;
it says why it pauses (one warning), resumes by itself, and shows the scheduler's reason for an abort."""

import logging
import shutil
import socket
import sqlite3
import subprocess
import time
from concurrent.futures import wait

import httpx
import pytest
from fixtures.fake_scheduler import FakeChain
from fixtures.worker import WORKER_KEYS, drive
from web3 import Web3

from offchain.chain.client import ConfigError
from offchain.chain.errors import NodeUnavailable, TxPending
from offchain.chain.retry import RetryingHTTPProvider, RetryPolicy
from offchain.worker.__main__ import configure_logging, preflight
from offchain.worker.checks import ChainChecks, Needs
from offchain.worker.runtimes import BwrapRuntime
from offchain.worker.state import LocalStatus as st


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def status(worker, task_id):
    task = worker.state.get(task_id)
    return task and task.status


def warnings_of(caplog, text):
    return [r for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]


def queue_task(fake_scheduler, assignment, index=0, resend_offers=False):
    """Queue one task on the fake scheduler; returns its id."""
    fake_scheduler.resend_offers = resend_offers
    task = assignment(index)
    fake_scheduler.queue.append(task)
    return task["taskId"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_anvil(port):
    """anvil on this port; returns once it answers (polls the new process, no timeout of the code under test)."""
    proc = subprocess.Popen(
        [shutil.which("anvil"), "--port", str(port), "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
    for _ in range(400):
        if proc.poll() is not None:
            raise AssertionError(f"anvil exited with code {proc.returncode}")
        if w3.is_connected():
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("anvil did not answer within 20 s")


def test_worker_survives_a_node_restart_and_resumes_taking_work(
    fake_scheduler, make_worker, assignment, caplog
):
    port = free_port()
    policy = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, deadline=1.0)
    chain = FakeChain(WORKER_KEYS[0], fake_scheduler.pool.address)
    chain.client.w3 = Web3(
        RetryingHTTPProvider(f"http://127.0.0.1:{port}", policy, request_kwargs={"timeout": 2})
    )
    caplog.set_level(logging.INFO)
    clock = FakeClock()
    w = make_worker(0, chain=chain, clock=clock)
    w.start()
    anvil = start_anvil(port)
    try:
        w.guarded_tick()  # idles with the node up
        anvil.terminate()
        anvil.wait(timeout=10)
        task = assignment(0)
        fake_scheduler.queue.append(task)
        for _ in range(5):  # the node is gone: asking for work reads the chain first, so nothing is taken
            clock.now += 100
            w.guarded_tick()
        assert w.state.get(task["taskId"]) is None and fake_scheduler.queue == [task]
        assert len(warnings_of(caplog, "chain node unreachable")) == 1  # one warning, not one per try
        assert not w.stop_event.is_set()

        anvil = start_anvil(port)  # the node comes back on the same address
        clock.now += 100
        drive(w, lambda: status(w, task["taskId"]) == st.CONTRIBUTED)
        assert any("chain node reachable again" in r.getMessage() for r in caplog.records)
    finally:
        anvil.terminate()
        anvil.wait(timeout=10)


class LoseOneOffer:
    """Wraps the worker's HTTP client: the first work offer reaches the scheduler's books, its reply is lost."""

    def __init__(self, http):
        self.http, self.lost = http, 0

    def request(self, method, path, **kw):
        resp = self.http.request(method, path, **kw)
        if path == "/replicates/available" and resp.status_code == 200 and not self.lost:
            self.lost += 1
            raise httpx.ReadTimeout("timed out")
        return resp


@pytest.mark.parametrize("resend", [True, False], ids=["offer-resent-adopted", "no-offer-given-back"])
def test_offer_whose_reply_was_lost_is_adopted_or_given_back_on_reconnect(
    fake_scheduler, make_worker, assignment, resend
):
    tid = queue_task(fake_scheduler, assignment, resend_offers=resend)
    w = make_worker(0)
    w.start()
    w.client.http = LoseOneOffer(w.client.http)
    w.guarded_tick()  # the offer is recorded for this worker by the scheduler, the worker never sees it
    assert w.client.http.lost == 1 and w.state.get(tid) is None
    assert fake_scheduler.statuses[(tid, w.address)] == ["CREATED"]
    w.guarded_tick()  # reconnected: reconciles with /replicates/interrupted
    if resend:
        drive(w, lambda: status(w, tid) == st.CONTRIBUTED)
        assert fake_scheduler.statuses[(tid, w.address)][:2] == ["CREATED", "STARTED"]
    else:
        assert fake_scheduler.statuses[(tid, w.address)] == ["CREATED", "ABORTED"]
        assert "never received this offer" in fake_scheduler.details[(tid, w.address)]["error"]


def test_worker_killed_right_after_an_offer_adopts_it_when_restarted(
    fake_scheduler, make_worker, assignment, tmp_path
):
    tid = queue_task(fake_scheduler, assignment, resend_offers=True)
    first = make_worker(0, workdir=tmp_path / "same")
    first.start()
    first.client.available(5)  # the offer arrives, the process dies before storing it
    first.state.close()
    again = make_worker(0, workdir=tmp_path / "same")
    again.start()
    drive(again, lambda: status(again, tid) == st.CONTRIBUTED)


class FullDisk:
    """The state's SQLite connection on a full disk: every write fails as SQLite fails it, reads still work."""

    def __init__(self, db):
        self.db, self.full = db, True

    def execute(self, sql, *args):
        if self.full and sql.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_full_disk_pauses_taking_work_gives_the_task_back_and_resumes(
    fake_scheduler, make_worker, assignment, caplog
):
    caplog.set_level(logging.INFO)
    clock = FakeClock()
    w = make_worker(0, clock=clock)
    w.start()
    w.guarded_tick()  # the periodic check ran: the next one is a period away
    w.state.db = db = FullDisk(w.state.db)
    first, second = assignment(0), assignment(1)
    fake_scheduler.queue += [first, second]
    w.guarded_tick()
    assert w.state.get(first["taskId"]) is None
    assert fake_scheduler.statuses[(first["taskId"], w.address)] == ["CREATED", "ABORTED"]
    assert "database or disk is full" in fake_scheduler.details[(first["taskId"], w.address)]["error"]
    for _ in range(3):
        clock.now += w.cfg.check_period
        w.guarded_tick()
    assert fake_scheduler.queue == [second]  # paused: nothing more taken
    assert len(warnings_of(caplog, "not taking work: the worker's state database cannot grow")) == 1

    db.full = False  # space is back
    clock.now += w.cfg.check_period
    drive(w, lambda: status(w, second["taskId"]) == st.CONTRIBUTED)
    assert any("disk space is back" in r.getMessage() for r in caplog.records)


class FlakyRuntime(BwrapRuntime):
    """Fails at once (like an engine that is gone) while `broken` is set."""

    broken = True

    def run(self, job):
        if self.broken:
            raise RuntimeError("container engine gone")
        return super().run(job)


def test_compute_failures_back_off_exponentially_and_reset_on_success(
    fake_scheduler, make_worker, assignment
):
    clock, runtime = FakeClock(), FlakyRuntime()
    fake_scheduler.queue += [assignment(i) for i in range(6)]
    w = make_worker(0, clock=clock, runtime=runtime)
    w.cfg.compute_backoff = (5.0, 20.0)
    w.compute_failures.base, w.compute_failures.cap = 5.0, 20.0
    w.start()
    w.cfg.ask_period = 0.001

    def taken():
        return len(w.state.all())

    def run_one():
        """Tick until the current compute is collected (waits on its future, never on a timer)."""
        w.guarded_tick()
        wait(list(w.computing.values()), timeout=30)
        w.guarded_tick()

    run_one()
    assert taken() == 1 and w.compute_failures.failures == 1
    for wait_s in (5.0, 10.0, 20.0, 20.0):  # doubles, then stays at the cap
        clock.now += wait_s - 0.01
        w.guarded_tick()
        assert taken() == w.compute_failures.failures  # not one more task before the back-off is over
        clock.now += 0.01
        if wait_s == 20.0 and w.compute_failures.failures == 4:
            runtime.broken = False
        run_one()
    assert taken() == 5
    assert w.compute_failures.failures == 0  # the fifth compute worked: reset
    drive(w, lambda: len(w.chain.contributions) == 1)
    clock.now += 0.01
    run_one()
    assert taken() == 6  # no waiting after a success


def test_abort_shows_the_schedulers_reason_else_the_workers_own(
    fake_scheduler, make_worker, assignment, caplog
):
    task = assignment(0)
    tid = task["taskId"]
    fake_scheduler.queue.append(task)
    w = make_worker(0)
    w.start()
    drive(w, lambda: status(w, tid) == st.CONTRIBUTED)
    reason = "stake too low: 0 nRLC free, 600000000 nRLC needed (deposit first)"
    fake_scheduler.abort.add(tid)
    fake_scheduler.abort_extra[tid] = {"cause": "REPLICATE_FAILED", "reason": reason}
    drive(w, lambda: status(w, tid) == st.ABORTED)
    assert w.state.get(tid).error == f"{reason} [REPLICATE_FAILED]"
    assert warnings_of(caplog, f"aborted: {reason}")

    other = assignment(1)
    fake_scheduler.queue.append(other)
    fake_scheduler.abort_extra[other["taskId"]] = {"cause": "CONSENSUS_REACHED"}
    fake_scheduler.abort.add(other["taskId"])
    drive(w, lambda: status(w, other["taskId"]) == st.ABORTED)
    assert w.state.get(other["taskId"]).error == (
        "consensus was reached without this worker's contribution [CONSENSUS_REACHED]"
    )


def test_idle_worker_logs_nothing_at_info(fake_scheduler, make_worker, caplog):
    names = ("httpx", "httpcore", "urllib3", "web3", "offchain.chain.retry")
    levels = {n: logging.getLogger(n).level for n in names}
    try:
        configure_logging("INFO")
        caplog.set_level(logging.INFO)
        w = make_worker(0)
        w.cfg.ping_period = 0
        w.start()
        caplog.clear()
        for _ in range(20):  # every tick pings and asks for work
            w.guarded_tick()
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class HealthChain(FakeChain):
    """FakeChain with what the checks read: head, ETH balance, gas price, free stake, deposits."""

    def __init__(self, key, owner, clock):
        super().__init__(key, owner)
        self.clock, self.balance, self.price, self.free, self.deposited = clock, 10**18, 10**9, 0, []
        self.head_at = clock()

    def head(self):
        return 7, self.head_at

    def eth_balance(self):
        return self.balance

    def gas_price(self):
        return self.price

    def stake(self):
        return self.free

    def ensure_stake(self, needed, deposit_amount):
        if self.free < needed and deposit_amount > 0:
            self.deposited.append(max(deposit_amount, needed - self.free))
            self.free += self.deposited[-1]


class Args:
    rpc, min_free_mb, cpus, deposit = "http://node", 1, 2, 0


def test_start_refuses_with_one_line_what_is_missing(fake_scheduler, tmp_path):
    clock = FakeClock()
    chain = HealthChain(WORKER_KEYS[0], fake_scheduler.pool.address, clock)
    checks = ChainChecks(chain, Needs(cpus=2, max_block_age=60), wall=clock)
    sched = {"workerStake": 600_000_000}

    chain.head_at = clock() - 3600
    with pytest.raises(
        ConfigError, match=r"latest block \(#7\) is 3600 s old \(limit 60 s\): it is not producing"
    ):
        preflight(checks, sched, Args(), tmp_path)
    chain.head_at, chain.balance = clock(), 10**14
    with pytest.raises(ConfigError) as exc:
        preflight(checks, sched, Args(), tmp_path)
    assert str(exc.value) == (
        f"not enough ETH for gas on {chain.address}: 0.000600 ETH needed (600000 gas at 1000000000 wei),"
        " 0.000100 ETH present"
    )
    chain.balance = 10**18
    with pytest.raises(ConfigError) as exc:
        preflight(checks, sched, Args(), tmp_path)
    assert str(exc.value) == (
        f"stake too low on {chain.address}: 0 nRLC free, 1200000000 nRLC needed"
        " (deposit 1200000000 nRLC, or run the worker with --deposit)"
    )
    funded = Args()
    funded.deposit = 10
    preflight(checks, sched, funded, tmp_path)  # deposits what two tasks lock, then starts
    assert chain.deposited == [1_200_000_000]


def test_conditions_lost_at_run_time_pause_with_one_warning_and_resume(
    fake_scheduler, make_worker, assignment, caplog
):
    clock = FakeClock()
    chain = HealthChain(WORKER_KEYS[0], fake_scheduler.pool.address, clock)
    w = make_worker(0, chain=chain, clock=clock)
    w.checks = ChainChecks(chain, Needs(max_block_age=60), wall=clock)
    w.start()
    chain.balance = 0  # the wallet was emptied
    task = assignment(0)
    fake_scheduler.queue.append(task)
    for _ in range(3):
        clock.now += w.cfg.check_period
        chain.head_at = clock()
        w.guarded_tick()
    assert fake_scheduler.queue == [task]
    assert len(warnings_of(caplog, "not taking work: not enough ETH for gas")) == 1
    chain.balance = 10**18
    clock.now += w.cfg.check_period
    chain.head_at = clock()
    drive(w, lambda: status(w, task["taskId"]) == st.CONTRIBUTED)


def test_checks_read_a_real_node(tmp_path):
    """The chain side of the checks on anvil: head, gas price and balance of an unfunded worker wallet."""
    from eth_account import Account

    from offchain.chain.tx import TxSender
    from offchain.worker.chain_actions import WorkerChain

    port = free_port()
    anvil = start_anvil(port)
    try:
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        chain = WorkerChain(type("Client", (), {"w3": w3, "hub": None})(), TxSender(w3, WORKER_KEYS[3]))
        checks = ChainChecks(chain, Needs(cpus=1, max_block_age=3600))
        assert checks.node() is None
        needed, gas, price = checks.gas_needed()
        assert gas == 300_000 and price == w3.eth.gas_price > 0 and needed == gas * price
        assert checks.gas() == (
            f"not enough ETH for gas on {Account.from_key(WORKER_KEYS[3]).address}: {needed / 10**18:.6f} ETH"
            f" needed (300000 gas at {price} wei), 0.000000 ETH present"
        )
        w3.provider.make_request("anvil_setBalance", [chain.address, hex(needed)])
        assert checks.gas() is None
    finally:
        anvil.terminate()
        anvil.wait(timeout=10)


class DropsOnce(FakeChain):
    """The first contribution meets `error` (a node gone after the chain layer's retries, or an earlier transaction
    still pending)."""

    def __init__(self, key, owner, error):
        super().__init__(key, owner)
        self.error = error

    def contribute(self, assignment, digest, on_sent=None):
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return super().contribute(assignment, digest, on_sent)


@pytest.mark.parametrize(
    "error",
    [
        NodeUnavailable("eth_call: connection refused after 5 attempt(s) in 3.8 s"),
        TxPending("contribute waits: 1 transaction(s) of 0x... still pending"),
    ],
    ids=["node-gone", "tx-pending"],
)
def test_contribution_cut_by_the_node_or_a_pending_tx_is_retried_not_failed(
    fake_scheduler, make_worker, assignment, error
):
    clock = FakeClock()
    tid = queue_task(fake_scheduler, assignment)
    w = make_worker(0, chain=DropsOnce(WORKER_KEYS[0], fake_scheduler.pool.address, error), clock=clock)
    w.start()
    drive(w, lambda: w.chain.error is None)
    if isinstance(error, NodeUnavailable):  # waits for the node's back-off
        assert status(w, tid) == st.CONTRIBUTING and "node" in w.pauses
    else:  # tried again at the next tick; a pending tx is no reason to stop taking work
        assert "node" not in w.pauses
    assert "CONTRIBUTE_FAILED" not in fake_scheduler.statuses[(tid, w.address)]
    clock.now += w.node.delay
    drive(w, lambda: status(w, tid) == st.CONTRIBUTED)
    assert w.chain.sent == [f"contribute:{tid}"] and "node" not in w.pauses


def test_no_contribution_is_sent_while_a_transaction_of_the_wallet_is_pending():
    """WorkerChain on anvil with mining paused: a pending transaction of the wallet (e.g. a contribution whose send
    was cut) makes the next contribute wait (TxPending) instead of sending a second one."""
    from eth_account import Account

    from offchain.chain.tx import TxSender
    from offchain.protocol import constants as C
    from offchain.worker.chain_actions import WorkerChain

    class Views:  # the hub views contribute() reads first: nothing on chain yet, the task open
        hub = None

        def __init__(self, w3):
            self.w3 = w3

        def view_contribution(self, task, worker):
            return {"status": C.CONTRIBUTION_UNSET}

        def view_task(self, task):
            return {"status": C.TASK_ACTIVE, "contributionDeadline": 2**40}

        def chain_now(self):
            return 0

    port = free_port()
    anvil = start_anvil(port)
    try:
        w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        key = WORKER_KEYS[2]
        address = Account.from_key(key).address
        chain = WorkerChain(Views(w3), TxSender(w3, key))
        w3.provider.make_request("anvil_setBalance", [address, hex(10**18)])
        w3.provider.make_request("evm_setAutomine", [False])
        signed = Account.from_key(key).sign_transaction(
            {
                "to": address,
                "value": 0,
                "gas": 21000,
                "gasPrice": w3.eth.gas_price,
                "nonce": 0,
                "chainId": 31337,
            }
        )
        w3.eth.send_raw_transaction(signed.raw_transaction)
        task = {"taskId": "0x" + "11" * 32, "authorizationSign": "0x" + "00" * 65}
        with pytest.raises(
            TxPending, match=f"contribute waits: 1 transaction\\(s\\) of {address} still pending"
        ):
            chain.contribute(task, b"\x22" * 32)
    finally:
        anvil.terminate()
        anvil.wait(timeout=10)


def test_logging_in_again_reconciles_and_adopts_an_offer_never_received(
    fake_scheduler, make_worker, assignment
):
    fake_scheduler.resend_offers = True
    w = make_worker(0)
    w.start()
    task = assignment(0)
    fake_scheduler.queue.append(task)
    w.client.available(5)  # the scheduler records the offer; the worker loop never sees it
    fake_scheduler.tokens.clear()  # tokens forgotten (e.g. scheduler restarted): the next call logs in again
    w.cfg.ask_period = 3600  # only the reconciliation can bring the task
    drive(w, lambda: status(w, task["taskId"]) == st.CONTRIBUTED)
    assert w.client.logins == 2


def test_an_unexpected_error_is_logged_once_and_pauses_until_a_clean_tick(
    fake_scheduler, make_worker, caplog
):
    w = make_worker(0)
    w.start()
    w.stop_event.set()  # no waiting between failing ticks
    real = w.client.ping
    w.client.ping = lambda: 1 / 0
    w.cfg.ping_period = 0
    for _ in range(5):
        w.guarded_tick()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert w.pauses.reasons["error"] == "unexpected ZeroDivisionError: division by zero"
    w.client.ping = real
    w.guarded_tick()
    assert "error" not in w.pauses
