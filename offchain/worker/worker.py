"""The worker's main loop: ping, ask for work, compute in threads, and follow the scheduler's next actions.

One thread (this loop) does all HTTP calls, transactions and state writes, in order; app runs happen in a pool of
``cpus`` threads. What a task does next is data: `ON_ACTION` maps a next action and the task's local status to a
step, `ON_TICK` says what the loop does by itself for a status. Steps never call each other: a step that reports a
status queues the scheduler's reply, and the loop dispatches the queue. Every step starts from the local state
(state.py), so after a crash the same loop resumes: a task with a stored digest is not recomputed, a stored tx hash
is not re-sent (the chain is read first), and waiting tasks re-report their status, whose 208 reply carries the
scheduler's current next action.

Nothing outside the worker stops the loop: an unreachable chain node (`NodeUnavailable`, after the chain layer's own
retries) or scheduler, a full disk, a missing stake or gas money, or computes failing in a row each pause taking work
(pauses.py, one warning) while tasks in hand go on where they can; whenever the worker (re)connects or logs in again
it reconciles its tasks with the scheduler's list, so an offer whose reply was lost is adopted or given back.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from eth_utils import keccak

from offchain.chain.errors import NodeUnavailable, TxPending
from offchain.protocol import hashing
from offchain.protocol.messages import ActionExtra, InterruptedNotice, WorkOffer
from offchain.protocol.statuses import AbortCause, NextAction, ReplicateStatus

from . import runner
from .backoff import Backoff
from .chain_actions import CannotContribute, StakeTooLow
from .checks import ChainChecks, disk_problem
from .client import SchedulerError, SchedulerUnavailable
from .pauses import Pauses
from .runtimes import BwrapRuntime, Runtime
from .state import REPORT_FOR, DiskFull, LocalStatus, LocalTask, WorkerState

log = logging.getLogger(__name__)
L = LocalStatus


class Step(StrEnum):
    COMPUTE = "compute"  # run the app in the pool (unless it runs already or its digest is known)
    ANNOUNCE = "announce"  # check the authorization on chain, then report STARTED
    CONTRIBUTE = "contribute"  # re-reads the chain: never double-sends
    REVEAL = "reveal"
    UPLOAD = "upload"
    REPORT = "report"  # report the current status again (waiting), at most every poll period
    COMPLETE = "complete"
    ABORT = "abort"


_ACTIVE = [s for s in LocalStatus if s not in (L.DONE, L.ABORTED)]
# Next action -> local status -> step; a status missing from a row means "nothing to do for that action now".
ON_ACTION: dict[NextAction, dict[LocalStatus, Step]] = {
    NextAction.PLEASE_CONTINUE: {L.ASSIGNED: Step.ANNOUNCE, L.STARTED: Step.COMPUTE},
    NextAction.PLEASE_CONTRIBUTE: {
        L.ASSIGNED: Step.COMPUTE,
        L.STARTED: Step.COMPUTE,
        L.COMPUTED: Step.CONTRIBUTE,
        L.CONTRIBUTING: Step.CONTRIBUTE,
    },
    NextAction.PLEASE_WAIT: {},
    NextAction.PLEASE_REVEAL: {
        L.CONTRIBUTING: Step.REVEAL,
        L.CONTRIBUTED: Step.REVEAL,
        L.REVEALING: Step.REVEAL,
    },
    NextAction.PLEASE_UPLOAD: {L.REVEALING: Step.UPLOAD, L.REVEALED: Step.UPLOAD, L.UPLOADED: Step.UPLOAD},
    NextAction.PLEASE_COMPLETE: dict.fromkeys(_ACTIVE, Step.COMPLETE),
    NextAction.PLEASE_ABORT: dict.fromkeys(_ACTIVE, Step.ABORT),
}
# What the loop does by itself at every tick for a task in each status (resume a broadcast tx, poll while waiting).
ON_TICK: dict[LocalStatus, Step] = {
    L.ASSIGNED: Step.ANNOUNCE,
    L.STARTED: Step.COMPUTE,
    L.COMPUTED: Step.REPORT,
    L.CONTRIBUTING: Step.CONTRIBUTE,
    L.CONTRIBUTED: Step.REPORT,
    L.REVEALING: Step.REVEAL,
    L.REVEALED: Step.REPORT,
    L.UPLOADED: Step.REPORT,
}
# Steps that need the chain node: skipped while it is unreachable (the tick or a re-report brings them back).
NODE_STEPS = frozenset({Step.ANNOUNCE, Step.CONTRIBUTE, Step.REVEAL})
# What an abort cause means, for the log when the scheduler sends no reason of its own.
CAUSE_TEXT = {
    AbortCause.CONSENSUS_REACHED: "consensus was reached without this worker's contribution",
    AbortCause.CONTRIBUTION_TIMEOUT: "the contribution deadline has passed",
    AbortCause.TASK_FAILED: "the task failed",
    AbortCause.NOT_IN_CONSENSUS: "this worker's result is not the consensus",
    AbortCause.REPLICATE_FAILED: "the scheduler marked this worker's replicate failed",
    AbortCause.REVEAL_TIMEOUT: "the reveal deadline has passed",
}


@dataclass
class WorkerConfig:
    workdir: Path
    name: str = "worker"
    cpus: int = 1
    ping_period: float = 5.0
    ask_period: float | None = None  # None: use the scheduler's askForWorkPeriod
    poll_period: float = 1.0  # how often a waiting task re-reports its status
    deposit_amount: int = 0  # nRLC to deposit when the stake is too low (0: never deposit)
    runtime: Runtime = field(default_factory=BwrapRuntime)  # where apps run (runtimes/)
    fault: str | None = None  # test hooks: "wrong-result" (contributes a wrong digest)
    keep_files: bool = False
    check_period: float = 30.0  # how often the run-time checks (checks.py) run again
    min_free_mb: int = 100  # free space the workdir needs before a task is taken
    node_backoff: tuple[float, float] = (1.0, 60.0)  # first and longest wait after the chain node failed
    compute_backoff: tuple[float, float] = (
        5.0,
        300.0,
    )  # same after a compute failed (the worker's own fault)
    clock: Callable[[], float] = time.monotonic  # tests pass a fake one


@dataclass(frozen=True)
class _Event:
    """One entry of the loop's queue: a next action from the scheduler, or a step the loop decided itself."""

    task_id: str
    action: NextAction | None = None
    extra: ActionExtra = ActionExtra()
    step: Step | None = None
    reason: str | None = None
    tick: bool = False  # the loop's own step, chosen by ON_TICK from the status the task has when it runs


class Worker:
    def __init__(self, config: WorkerConfig, client, chain, checks: ChainChecks | None = None):
        self.cfg = config
        self.client = client
        self.chain = chain  # WorkerChain (or a fake in unit tests)
        self.checks = checks  # run-time chain checks (None: only the disk is watched)
        self.clock = config.clock
        self.pauses = Pauses()
        self.node = Backoff(*config.node_backoff, clock=self.clock)
        self.compute_failures = Backoff(*config.compute_backoff, clock=self.clock)
        self.stake_needed: int | None = (
            None  # nRLC the next tasks lock, once known (scheduler config or a deal)
        )
        self._last_check = float("-inf")
        self._reconcile_needed = False
        self._relogin = False
        self._logins_seen = 0
        self._tx_waits: dict[str, str] = {}  # task -> the TxPending it waits on (logged once)
        self.address = chain.address
        self.state = WorkerState(Path(config.workdir) / "worker.sqlite")
        self.pool = ThreadPoolExecutor(max_workers=max(1, config.cpus), thread_name_prefix="compute")
        self.computing: dict[str, Future] = {}
        self.sched_config: dict = {}
        self.session: str | None = None
        self._last_ping = 0.0
        self._last_ask = 0.0
        self._last_poll: dict[str, float] = {}
        self._queue: deque[_Event] = deque()
        self._steps = {
            Step.COMPUTE: self._compute,
            Step.ANNOUNCE: self._announce,
            Step.CONTRIBUTE: self._contribute,
            Step.REVEAL: self._reveal,
            Step.UPLOAD: self._upload,
            Step.REPORT: self._report_again,
            Step.COMPLETE: lambda task, reason: self._finish(task, L.DONE),
            Step.ABORT: lambda task, reason: self._finish(task, L.ABORTED, reason),
        }
        self.stop_event = threading.Event()

    # -- start-up -------------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._handshake()
        for task in self.state.active():
            if task.status != L.ASSIGNED:  # ASSIGNED: STARTED not yet accepted, the loop reports it
                log.info("resuming task %s at %s", task.task_id, task.status)
        self.reconcile()
        self._dispatch()
        log.info(
            "worker %s ready (pool %s, %d cpu)",
            self.address,
            self.sched_config.get("workerpool"),
            self.cfg.cpus,
        )

    def _handshake(self) -> None:
        """Log in, read the pool's configuration, register, open a session (at start and after a refusal)."""
        self.client.login()
        self.sched_config = self.client.config()
        if self.cfg.ask_period is None:
            self.cfg.ask_period = float(self.sched_config.get("askForWorkPeriod", 2))
        if self.sched_config.get("workerStake") is not None:
            self.stake_needed = int(
                self.sched_config["workerStake"]
            )  # one more task (the CLI checked all cpus)
        self.client.register(self.cfg.name, self.cfg.cpus)
        self.session = self.client.ping()
        self._last_ping = self.clock()
        self._relogin = False

    def reconcile(self) -> None:
        """Match the tasks held here with the scheduler's list of this worker's unfinished replicates: queue the next
        action of each known task, adopt or give back the ones never received (their offer's reply was lost)."""
        notices = self.client.interrupted()
        self.pauses.clear("scheduler", "scheduler reachable again")
        self._reconcile_needed = False
        self._logins_seen = self.client.logins
        for notice in notices:
            task_id = notice.taskId.lower()
            if self.state.get(task_id) is None:
                self._unknown_offer(notice)
            else:
                self._queue.append(_Event(task_id, notice.nextAction, notice.extra))

    def _unknown_offer(self, notice: InterruptedNotice) -> None:
        if notice.nextAction in (NextAction.PLEASE_COMPLETE, NextAction.PLEASE_ABORT):
            return  # over for the scheduler too
        blocked = self._blocked()
        if notice.offer is not None and not blocked:  # then ANNOUNCE checks it and reports STARTED
            log.info("adopting task %s: offered to this worker, but the reply never arrived", notice.taskId)
            self._take(notice.offer)
            return
        why = "the worker never received this offer (its reply was lost)"
        if blocked:
            why += "; it takes no work now: " + "; ".join(blocked)
        self._give_back(notice.taskId, why)

    def _give_back(self, task_id: str, why: str) -> None:
        """Report ABORTED for a task this worker will not run (it was never stored here)."""
        try:
            self.client.update_status(task_id, ReplicateStatus.ABORTED, {"error": why})
        except SchedulerError as exc:
            log.warning("could not give task %s back: %s", task_id, exc.message)
            return
        log.warning("gave task %s back to the scheduler: %s", task_id, why)

    # -- loop -----------------------------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.start()
        except SchedulerUnavailable as exc:  # the CLI checked it a moment ago: a blip, the loop logs in again
            self.pauses.set("scheduler", f"scheduler unreachable: {exc}")
            self._relogin = True
        while not self.stop_event.is_set():
            self.guarded_tick()
            self.stop_event.wait(0.2)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def guarded_tick(self) -> None:
        """One tick; what goes wrong outside a task pauses the worker (one warning) instead of ending it."""
        try:
            self.tick()
        except SchedulerUnavailable as exc:
            self._reconcile_needed = True  # a reply may have been lost on the way (an offer among them)
            self.pauses.set("scheduler", f"scheduler unreachable: {exc}")
            self.stop_event.wait(1.0)
        except SchedulerError as exc:  # a refusal outside any task's report (e.g. not registered any more)
            self.pauses.set(
                "scheduler", f"scheduler refused: {exc.message}; logging in and registering again"
            )
            self._relogin = True
            self.stop_event.wait(1.0)
        except NodeUnavailable as exc:
            self._node_down(exc)
        except DiskFull as exc:
            self._disk_full(exc)
        except (
            Exception
        ) as exc:  # a bug or an unforeseen answer: the traceback once, then one line while it lasts
            if "error" not in self.pauses:
                log.error("unexpected error in the worker loop", exc_info=True)
            self.pauses.set("error", f"unexpected {type(exc).__name__}: {exc}")
            self.stop_event.wait(1.0)
        else:
            self.pauses.clear("scheduler", "scheduler reachable again")
            self.pauses.clear("error", "the loop runs clean again")

    def tick(self) -> None:
        now = self.clock()
        if self._relogin:
            self._handshake()
            self._reconcile_needed = True
        if now - self._last_ping >= self.cfg.ping_period:
            self._last_ping = now
            session = self.client.ping()
            if self.session is not None and session != self.session:
                log.info("scheduler restarted (session %s -> %s): reconciling tasks", self.session, session)
                self.client.token = None
                self._reconcile_needed = True
            self.session = session
        if self._reconcile_needed or self.client.logins != self._logins_seen:
            self.reconcile()
        self._dispatch()
        self._collect_computes()
        for task in self.state.active():
            self._queue.append(_Event(task.task_id, tick=True))
            self._dispatch()
        if now - self._last_check >= self.cfg.check_period:
            self._last_check = now
            self.check()
        if self._may_ask(now):
            self._last_ask = now
            self._ask_for_work()
            self._dispatch()

    # -- conditions -----------------------------------------------------------------------------------------------
    def _may_ask(self, now: float) -> bool:
        period = 2.0 if self.cfg.ask_period is None else self.cfg.ask_period
        if len(self.computing) >= self.cfg.cpus or now - self._last_ask < period:
            return False
        return not self._blocked()

    def _blocked(self) -> list[str]:
        """Why no task may be taken now. An unreachable node or scheduler blocks only until the next try is due:
        that try (asking for work reads the chain first) is what tells they are back."""
        if "compute" in self.pauses and self.compute_failures.ready():
            self.pauses.clear("compute", "compute back-off over")
        reasons = [text for name, text in self.pauses.reasons.items() if name not in ("node", "scheduler")]
        if not self.node.ready():
            reasons.append(self.pauses.reasons.get("node", "chain node unreachable"))
        return reasons

    def check(self) -> None:
        """The run-time checks: disk space, then (with `checks`) node head, gas money and stake."""
        try:
            self.state.probe()
            problem = disk_problem(Path(self.cfg.workdir), self.cfg.min_free_mb)
        except DiskFull as exc:
            problem = str(exc)
        if problem:
            self.pauses.set("disk", f"{problem} (the worker resumes when space returns)")
        else:
            self.pauses.clear("disk", "disk space is back")
        if self.checks is None or not self.node.ready():
            return
        try:
            problems = self.checks.all(self.stake_needed)
        except NodeUnavailable as exc:
            self._node_down(exc)
            return
        self._node_up()
        resumed = {
            "head": "the chain node produces blocks again",
            "gas": "ETH for gas is back",
            "stake": "stake is back",
        }
        for name, text in resumed.items():
            if name in problems:
                self.pauses.set(name, problems[name])
            else:
                self.pauses.clear(name, text)

    def _node_down(self, exc: NodeUnavailable) -> None:
        wait = self.node.failed()
        self.pauses.set("node", f"chain node unreachable ({exc}); trying again in {wait:.0f} s")

    def _node_up(self) -> None:
        if self.node.failures:
            self.node.succeeded()
            self.pauses.clear("node", "chain node reachable again")

    def _disk_full(self, exc: DiskFull) -> None:
        self._last_check = self.clock()  # the next check (the probe) comes one period later
        self.pauses.set("disk", f"{exc} (the worker resumes when space returns)")

    def _dispatch(self) -> None:
        """Run queued events in order; a step's report queues the reply, which this same loop runs next."""
        while self._queue:
            event = self._queue.popleft()
            task = self.state.get(event.task_id)
            if task is None or task.final:
                continue
            step, reason = (ON_TICK.get(task.status) if event.tick else event.step), event.reason
            if event.action is not None:
                if task.last_action != event.action:
                    log.debug("task %s: %s %s", task.task_id[:10], event.action, event.extra.to_wire() or "")
                    self.state.update(task, last_action=event.action)
                step = ON_ACTION[event.action].get(task.status)
                if event.action == NextAction.PLEASE_ABORT:
                    reason = self._abort_reason(task, event.extra)
            if step is not None:
                self._run_step(step, task, reason)

    def _run_step(self, step: Step, task: LocalTask, reason: str | None) -> None:
        """A step that meets a dead node or a full disk is dropped: the tick (ON_TICK) or a re-report brings it back
        once the condition is gone, and the local state was left as it was."""
        if step in NODE_STEPS and not self.node.ready():
            return
        try:
            self._steps[step](task, reason)
        except NodeUnavailable as exc:
            self._node_down(exc)
            return
        except DiskFull as exc:
            self._disk_full(exc)
            return
        except TxPending as exc:  # an earlier transaction may still be mined: wait for it, never send twice
            if self._tx_waits.get(task.task_id) != str(exc):
                log.warning("task %s: %s; trying again", task.task_id[:10], exc)
            self._tx_waits[task.task_id] = str(exc)
            return
        self._tx_waits.pop(task.task_id, None)
        if step in NODE_STEPS:
            self._node_up()

    def _abort_reason(self, task: LocalTask, extra: ActionExtra) -> str:
        """The scheduler's reason, else the worker's own error behind a REPLICATE_FAILED, else what the cause means."""
        cause = extra.cause
        if extra.reason:
            text = extra.reason
        elif cause in (None, AbortCause.REPLICATE_FAILED) and task.error:
            text = task.error
        else:
            text = CAUSE_TEXT.get(cause, "aborted by the scheduler")
        return f"{text} [{cause}]" if cause else text

    def _ask_for_work(self) -> None:
        block = self.chain.client.w3.eth.block_number
        self._node_up()
        offer: WorkOffer | None = self.client.available(max(1, block))
        if offer is not None:
            self._take(offer)

    def _take(self, offer: WorkOffer) -> None:
        """Store an offer (then the loop checks its authorization and reports STARTED), or give it back at once when
        the state cannot be written."""
        try:
            task = self.state.add(offer)
        except DiskFull as exc:
            self._disk_full(exc)
            self._give_back(offer.taskId, f"the worker cannot store the task: {exc}")
            return
        if task is None:
            return
        log.info("got task %s (deal %s, index %s)", task.task_id, offer.dealId, offer.taskIndex)
        self._queue.append(_Event(task.task_id, step=Step.ANNOUNCE))

    # -- reports --------------------------------------------------------------------------------------------------
    def _report(self, task: LocalTask, status: ReplicateStatus, details: dict | None = None) -> None:
        """Report a status and queue the scheduler's reply (the next action) for the loop."""
        try:
            reply = self.client.update_status(task.task_id, status, details)
        except SchedulerError as exc:
            if exc.status == 404:
                log.warning("scheduler does not know task %s any more: dropping it", task.task_id)
                self._finish(task, L.ABORTED, str(exc))
                return
            log.warning("report %s for %s refused: %s", status, task.task_id, exc)
            return
        if status == ReplicateStatus.STARTED and task.status == L.ASSIGNED:
            self.state.update(task, L.STARTED)
        self._queue.append(_Event(task.task_id, reply.nextAction, reply.extra))

    def _announce(self, task: LocalTask, _reason=None) -> None:
        try:
            self.chain.verify_authorization(task.offer.to_wire(), self.sched_config["workerpool"])
        except CannotContribute as exc:
            log.error("refusing task %s: %s", task.task_id, exc)
            self.state.update(task, L.ABORTED, error=str(exc))
            self._report(task, ReplicateStatus.ABORTED, {"error": str(exc)})
            return
        self._report(task, ReplicateStatus.STARTED)

    def _report_again(self, task: LocalTask, _reason=None) -> None:
        now = self.clock()
        if now - self._last_poll.get(task.task_id, 0.0) >= self.cfg.poll_period:
            self._last_poll[task.task_id] = now
            self._report(task, REPORT_FOR[task.status])

    # -- steps ----------------------------------------------------------------------------------------------------
    def _compute(self, task: LocalTask, _reason=None) -> None:
        if task.digest is not None or task.task_id in self.computing:
            return
        base = self.sched_config.get("resultStoreUrl") or getattr(self.client, "base_url", None)
        self.computing[task.task_id] = self.pool.submit(
            runner.compute, self.cfg.workdir, task.offer.to_wire(), self.cfg.runtime, base
        )

    def _collect_computes(self) -> None:
        for task_id, fut in list(self.computing.items()):
            if not fut.done():
                continue
            del self.computing[task_id]
            task = self.state.get(task_id)
            if task is None or task.final:
                continue
            try:
                outcome = fut.result()
            except Exception as exc:  # the runner itself broke (disk, sandbox): cannot give a digest
                error = f"{type(exc).__name__}: {exc}"
                wait = self.compute_failures.failed()
                log.warning(
                    "compute of %s failed: %s", task_id, error, exc_info=log.isEnabledFor(logging.DEBUG)
                )
                self.pauses.set(
                    "compute",
                    f"{self.compute_failures.failures} compute(s) failed in a row (last: {error});"
                    f" next task in {wait:.0f} s",
                )
                self.state.update(task, error=error)
                self._report(task, ReplicateStatus.COMPUTE_FAILED, {"error": error})
                continue
            self.compute_failures.succeeded()
            digest = outcome.digest
            if self.cfg.fault == "wrong-result":
                digest = keccak(digest + b"wrong")  # test hook: a dishonest / broken worker
            self.state.update(task, L.COMPUTED, digest="0x" + digest.hex())
            res_hash = "0x" + hashing.result_hash(task_id, digest).hex()
            self._report(task, ReplicateStatus.COMPUTED, {"resultHash": res_hash})

    def _contribute(self, task: LocalTask, _reason=None) -> None:
        offer = task.offer.to_wire()
        try:
            # Always checked (a too-low stake fails here with its reason, not as a reverted tx); the deposit itself
            # only happens when the worker was given an amount.
            self.chain.ensure_stake(self.chain.worker_stake_of(task.offer.dealId), self.cfg.deposit_amount)
            self.state.update(task, L.CONTRIBUTING)
            res = self.chain.contribute(
                offer, task.digest_bytes, on_sent=lambda h, _n: self.state.update(task, contribute_tx=h)
            )
        except (NodeUnavailable, DiskFull, TxPending):
            raise  # not the task's fault: tried again once the condition is gone (the chain is re-read first)
        except Exception as exc:  # CannotContribute, or TxReverted / TxError with the chain layer's reason
            log.warning("contribute %s failed: %s", task.task_id, exc)
            if isinstance(exc, StakeTooLow):  # the next tasks would fail the same way: wait for a deposit
                self.stake_needed = exc.needed
                self.pauses.set("stake", str(exc))
            self._fail(task, ReplicateStatus.CONTRIBUTE_FAILED, str(exc))
            return
        tx = res["txHash"] or task.contribute_tx
        self.state.update(task, L.CONTRIBUTED, result_hash=res["resultHash"], contribute_tx=tx)
        log.info("task %s contributed (tx %s)", task.task_id[:10], tx)
        self._report(task, ReplicateStatus.CONTRIBUTED, {"txHash": tx, "resultHash": res["resultHash"]})

    def _reveal(self, task: LocalTask, _reason=None) -> None:
        try:
            self.state.update(task, L.REVEALING)
            res = self.chain.reveal(
                task.offer.to_wire(),
                task.digest_bytes,
                on_sent=lambda h, _n: self.state.update(task, reveal_tx=h),
            )
        except (NodeUnavailable, DiskFull, TxPending):
            raise
        except Exception as exc:
            log.warning("reveal %s failed: %s", task.task_id, exc)
            self._fail(task, ReplicateStatus.REVEAL_FAILED, str(exc))
            return
        tx = res["txHash"] or task.reveal_tx
        self.state.update(task, L.REVEALED, reveal_tx=tx)
        log.info("task %s revealed (tx %s)", task.task_id[:10], tx)
        self._report(task, ReplicateStatus.REVEALED, {"txHash": tx, "resultDigest": task.digest})

    def _upload(self, task: LocalTask, _reason=None) -> None:
        zip_path = runner.task_dir(self.cfg.workdir, task.task_id) / "output" / "iexec_out.zip"
        if not zip_path.is_file():
            self._fail(task, ReplicateStatus.ABORTED, "the result archive is gone (local files lost)")
            return
        try:
            stored = self.client.upload_result(task.task_id, zip_path.read_bytes(), task.digest)
        except SchedulerError as exc:
            log.warning("upload of %s refused: %s", task.task_id, exc)
            return
        # The same JSON the scheduler puts in finalize(results).
        link = json.dumps(
            {"storage": "scheduler", "location": stored.get("location") or f"/results/{task.task_id}"}
        )
        self.state.update(task, L.UPLOADED, result_link=link)
        log.info("task %s result uploaded", task.task_id[:10])
        self._report(task, ReplicateStatus.RESULT_UPLOADED, {"resultLink": link})

    def _fail(self, task: LocalTask, status: ReplicateStatus, reason: str) -> None:
        """Report the failure; the task is aborted by the reply, or else right after it (queued behind it)."""
        self.state.update(task, error=reason)
        self._report(task, status, {"error": reason})
        self._queue.append(_Event(task.task_id, step=Step.ABORT, reason=reason))

    def _finish(self, task: LocalTask, status: LocalStatus, reason: str | None = None) -> None:
        fut = self.computing.pop(task.task_id, None)
        if fut is not None:
            fut.cancel()
        self.state.update(task, status, error=reason)
        self._last_poll.pop(task.task_id, None)
        if not self.cfg.keep_files:
            shutil.rmtree(runner.task_dir(self.cfg.workdir, task.task_id), ignore_errors=True)
        log.log(
            logging.INFO if status == L.DONE or not reason else logging.WARNING,
            "task %s %s%s",
            task.task_id[:10],
            "completed" if status == L.DONE else "aborted",
            f": {reason}" if reason else "",
        )

    def stop(self) -> None:
        self.stop_event.set()
