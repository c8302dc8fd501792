"""The worker's state machine against a fake scheduler: happy path, aborts, refusals, restarts."""

from fixtures.fake_scheduler import FakeChain
from fixtures.worker import drive

from offchain.worker.chain_actions import StakeTooLow
from offchain.worker.state import FINAL
from offchain.worker.state import LocalStatus as st


def status(worker, task_id):
    return worker.state.get(task_id).status


def test_happy_path_contributes_reveals_uploads_and_completes(fake_scheduler, make_worker, assignment):
    task = assignment(0)
    tid = task["taskId"]
    fake_scheduler.queue.append(task)
    w = make_worker(0)
    w.start()
    drive(w, lambda: w.state.get(tid) and status(w, tid) == st.CONTRIBUTED)
    assert list(w.chain.contributions) == [tid]
    assert fake_scheduler.details[(tid, w.address)]["resultHash"].startswith("0x")

    fake_scheduler.consensus.add(tid)
    fake_scheduler.uploader[tid] = w.address
    drive(w, lambda: status(w, tid) == st.UPLOADED)
    assert w.chain.reveals[tid] == w.chain.contributions[tid]
    assert fake_scheduler.results[tid][:2] == b"PK"  # the zipped iexec_out

    fake_scheduler.done.add(tid)
    drive(w, lambda: status(w, tid) == st.DONE)
    assert fake_scheduler.statuses[(tid, w.address)] == [
        "CREATED",
        "STARTED",
        "COMPUTED",
        "CONTRIBUTED",
        "REVEALED",
        "RESULT_UPLOADED",
    ]
    assert w.chain.sent == [f"contribute:{tid}", f"reveal:{tid}"]


def test_abort_after_contribution_drops_the_task_without_revealing(fake_scheduler, make_worker, assignment):
    task = assignment(0)
    tid = task["taskId"]
    fake_scheduler.queue.append(task)
    w = make_worker(0)
    w.start()
    drive(w, lambda: w.state.get(tid) and status(w, tid) == st.CONTRIBUTED)
    fake_scheduler.abort.add(tid)
    drive(w, lambda: status(w, tid) == st.ABORTED)
    assert w.chain.reveals == {}
    assert not (w.cfg.workdir / "tasks" / tid).exists()


def test_authorization_not_signed_by_the_pool_owner_is_refused(fake_scheduler, make_worker, assignment):
    from fixtures.fake_scheduler import FakeChain
    from fixtures.worker import WORKER_KEYS

    task = assignment(0)
    tid = task["taskId"]
    fake_scheduler.queue.append(task)
    w = make_worker(0, chain=FakeChain(WORKER_KEYS[0], "0x" + "99" * 20))  # the chain names another owner
    w.start()
    drive(w, lambda: w.state.get(tid) is not None and status(w, tid) in FINAL)
    assert status(w, tid) == st.ABORTED
    assert "not by the pool owner" in w.state.get(tid).error
    assert w.chain.contributions == {}
    assert fake_scheduler.statuses[(tid, w.address)][-1] == "ABORTED"


def test_wrong_result_fault_contributes_another_digest(fake_scheduler, make_worker, assignment):
    first, second = assignment(0), assignment(0)
    fake_scheduler.queue += [first, second]  # the same task for two workers
    honest, liar = make_worker(0), make_worker(1, fault="wrong-result")
    honest.start()
    liar.start()
    tid = first["taskId"]
    drive(honest, lambda: honest.state.get(tid) and status(honest, tid) == st.CONTRIBUTED)
    drive(liar, lambda: liar.state.get(tid) and status(liar, tid) == st.CONTRIBUTED)
    assert honest.chain.contributions[tid] != liar.chain.contributions[tid]


def test_restarted_worker_resumes_without_recomputing_or_recontributing(
    fake_scheduler, make_worker, assignment, tmp_path
):
    task = assignment(0)
    tid = task["taskId"]
    fake_scheduler.queue.append(task)
    w = make_worker(0, workdir=tmp_path / "same")
    w.start()
    drive(w, lambda: w.state.get(tid) and status(w, tid) == st.CONTRIBUTED)
    chain = w.chain
    w.pool.shutdown(wait=True)
    w.state.close()

    fake_scheduler.session = "s2"  # the scheduler restarted too
    again = make_worker(0, chain=chain, workdir=tmp_path / "same")
    again.start()
    assert status(again, tid) == st.CONTRIBUTED
    fake_scheduler.consensus.add(tid)
    drive(again, lambda: status(again, tid) == st.REVEALED)
    assert chain.sent == [f"contribute:{tid}", f"reveal:{tid}"]  # each sent once across the restart


def test_worker_with_two_cpus_runs_two_tasks_at_once(fake_scheduler, make_worker, assignment):
    fake_scheduler.queue += [assignment(0), assignment(1)]
    w = make_worker(0)
    w.cfg.cpus = 2
    w.start()
    drive(w, lambda: len(w.chain.contributions) == 2)


class StakeChain(FakeChain):
    """FakeChain with a free stake: refuses like WorkerChain.ensure_stake when it is too low and no deposit is
    allowed, deposits what is missing (at least the configured amount) otherwise."""

    def __init__(self, key, owner, free):
        super().__init__(key, owner)
        self.free, self.deposits = free, []

    def worker_stake_of(self, deal_id):
        return 10

    def ensure_stake(self, needed, deposit_amount):
        if self.free >= needed:
            return
        if deposit_amount <= 0:
            raise StakeTooLow(self.free, needed)
        self.deposits.append(max(deposit_amount, needed - self.free))
        self.free += self.deposits[-1]


def test_stake_is_checked_before_every_contribution_and_topped_up_only_with_a_deposit(
    fake_scheduler, make_worker, assignment
):
    from fixtures.worker import WORKER_KEYS

    first, second = assignment(0), assignment(1)
    fake_scheduler.queue += [first, second]
    broke = make_worker(0, chain=StakeChain(WORKER_KEYS[0], fake_scheduler.pool.address, free=3))
    broke.start()
    tid = first["taskId"]
    drive(broke, lambda: broke.state.get(tid) is not None and status(broke, tid) in FINAL)
    assert status(broke, tid) == st.ABORTED
    assert fake_scheduler.details[(tid, broke.address)]["error"] == (
        "stake too low: 3 nRLC free, 10 nRLC needed (deposit 7 nRLC, or run the worker with --deposit)"
    )
    assert broke.chain.contributions == {} and broke.chain.deposits == []
    assert fake_scheduler.statuses[(tid, broke.address)][-1] == "CONTRIBUTE_FAILED"

    funded = make_worker(1, chain=StakeChain(WORKER_KEYS[1], fake_scheduler.pool.address, free=3))
    funded.cfg.deposit_amount = 5
    funded.start()
    tid = second["taskId"]
    drive(funded, lambda: funded.state.get(tid) and status(funded, tid) == st.CONTRIBUTED)
    assert funded.chain.deposits == [7]  # what was missing, above the configured amount
    assert list(funded.chain.contributions) == [tid]


def test_every_next_action_has_a_row_and_final_tasks_have_no_step():
    from offchain.protocol.statuses import NextAction
    from offchain.worker.worker import ON_ACTION, ON_TICK

    assert set(ON_ACTION) == set(NextAction)
    for row in ON_ACTION.values():
        assert not FINAL & set(row)
    assert set(ON_TICK) == set(st) - FINAL  # every active task moves or waits at each tick
