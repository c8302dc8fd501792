"""The worker's main loop: ping, ask for work, compute in threads, and follow the scheduler's next actions.

One thread (this loop) does all HTTP calls, transactions and state writes, in order; app runs happen in a pool of
``cpus`` threads. What a task does next is data: `ON_ACTION` maps a next action and the task's local status to a
step, `ON_TICK` says what the loop does by itself for a status. Steps never call each other: a step that reports a
status queues the scheduler's reply, and the loop dispatches the queue. Every step starts from the local state
(state.py), so after a crash the same loop resumes: a task with a stored digest is not recomputed, a stored tx hash
is not re-sent (the chain is read first), and waiting tasks re-report their status, whose 208 reply carries the
scheduler's current next action.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from eth_utils import keccak

from offchain.protocol import hashing
from offchain.protocol.messages import ActionExtra, WorkOffer
from offchain.protocol.statuses import NextAction, ReplicateStatus

from . import runner
from .chain_actions import CannotContribute
from .client import SchedulerError, SchedulerUnavailable
from .runtimes import BwrapRuntime, Runtime
from .state import REPORT_FOR, LocalStatus, LocalTask, WorkerState

log = logging.getLogger(__name__)
L = LocalStatus


class Step(StrEnum):
    START = "start"  # STARTED accepted for an ASSIGNED task: mark it started, then compute
    COMPUTE = "compute"  # run the app in the pool (unless it runs already or its digest is known)
    ANNOUNCE = "announce"  # report STARTED (authorization checked, not yet accepted)
    CONTRIBUTE = "contribute"  # re-reads the chain: never double-sends
    REVEAL = "reveal"
    UPLOAD = "upload"
    REPORT = "report"  # report the current status again (waiting), at most every poll period
    COMPLETE = "complete"
    ABORT = "abort"


_ACTIVE = [s for s in LocalStatus if s not in (L.DONE, L.ABORTED)]
# Next action -> local status -> step; a status missing from a row means "nothing to do for that action now".
ON_ACTION: dict[NextAction, dict[LocalStatus, Step]] = {
    NextAction.PLEASE_CONTINUE: {L.ASSIGNED: Step.START, L.STARTED: Step.COMPUTE},
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


@dataclass(frozen=True)
class _Event:
    """One entry of the loop's queue: a next action from the scheduler, or a step the loop decided itself."""

    task_id: str
    action: NextAction | None = None
    extra: ActionExtra = ActionExtra()
    step: Step | None = None
    reason: str | None = None


class Worker:
    def __init__(self, config: WorkerConfig, client, chain):
        self.cfg = config
        self.client = client
        self.chain = chain  # WorkerChain (or a fake in unit tests)
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
            Step.START: self._start,
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
        self.client.login()
        self.sched_config = self.client.config()
        if self.cfg.ask_period is None:
            self.cfg.ask_period = float(self.sched_config.get("askForWorkPeriod", 2))
        self.client.register(self.cfg.name, self.cfg.cpus)
        self.session = self.client.ping()
        self._last_ping = time.monotonic()
        self.recover()
        self._dispatch()
        log.info(
            "worker %s ready (pool %s, %d cpu)",
            self.address,
            self.sched_config.get("workerpool"),
            self.cfg.cpus,
        )

    def recover(self) -> None:
        """Resume from local state, then queue what the scheduler says about each interrupted task."""
        for task in self.state.active():
            if task.status != L.ASSIGNED:  # ASSIGNED: STARTED not yet accepted, the loop reports it
                log.info("resuming task %s at %s", task.task_id, task.status)
        try:
            notices = self.client.interrupted()
        except SchedulerError as exc:
            log.warning("cannot list interrupted tasks: %s", exc)
            return
        for notice in notices:
            self._queue.append(_Event(notice.taskId.lower(), notice.nextAction, notice.extra))

    # -- loop -----------------------------------------------------------------------------------------------------
    def run(self) -> None:
        self.start()
        while not self.stop_event.is_set():
            try:
                self.tick()
            except SchedulerUnavailable as exc:
                log.warning("scheduler unreachable: %s", exc)
                self.stop_event.wait(1.0)
            self.stop_event.wait(0.2)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def tick(self) -> None:
        now = time.monotonic()
        if now - self._last_ping >= self.cfg.ping_period:
            self._last_ping = now
            session = self.client.ping()
            if self.session is not None and session != self.session:
                log.info("scheduler restarted (session %s -> %s): recovering", self.session, session)
                self.session = session
                self.client.token = None
                self.recover()
            self.session = session
        self._dispatch()
        self._collect_computes()
        for task in self.state.active():
            self._queue.append(_Event(task.task_id, step=ON_TICK.get(task.status)))
            self._dispatch()
        if len(self.computing) < self.cfg.cpus and now - self._last_ask >= (self.cfg.ask_period or 2):
            self._last_ask = now
            self._ask_for_work()
            self._dispatch()

    def _dispatch(self) -> None:
        """Run queued events in order; a step's report queues the reply, which this same loop runs next."""
        while self._queue:
            event = self._queue.popleft()
            task = self.state.get(event.task_id)
            if task is None or task.final:
                continue
            step, reason = event.step, event.reason
            if event.action is not None:
                if task.last_action != event.action:
                    log.info("task %s: %s %s", task.task_id[:10], event.action, event.extra.to_wire() or "")
                    self.state.update(task, last_action=event.action)
                step = ON_ACTION[event.action].get(task.status)
                if event.action == NextAction.PLEASE_ABORT:
                    reason = str(event.extra.cause or "aborted by the scheduler")
            if step is not None:
                self._steps[step](task, reason)

    def _ask_for_work(self) -> None:
        offer: WorkOffer | None = self.client.available(max(1, self.chain.client.w3.eth.block_number))
        if offer is None:
            return
        task = self.state.add(offer)
        if task is None:
            return
        log.info("got task %s (deal %s, index %s)", task.task_id, offer.dealId, offer.taskIndex)
        try:
            self.chain.verify_authorization(offer.to_wire(), self.sched_config["workerpool"])
        except CannotContribute as exc:
            log.error("refusing task %s: %s", task.task_id, exc)
            self.state.update(task, L.ABORTED, error=str(exc))
            self._report(task, ReplicateStatus.ABORTED, {"error": str(exc)})
            return
        self._report(task, ReplicateStatus.STARTED)

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
        self._report(task, ReplicateStatus.STARTED)

    def _report_again(self, task: LocalTask, _reason=None) -> None:
        now = time.monotonic()
        if now - self._last_poll.get(task.task_id, 0.0) >= self.cfg.poll_period:
            self._last_poll[task.task_id] = now
            self._report(task, REPORT_FOR[task.status])

    # -- steps ----------------------------------------------------------------------------------------------------
    def _start(self, task: LocalTask, _reason=None) -> None:
        self.state.update(task, L.STARTED)
        self._compute(task)

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
                log.exception("compute of %s failed", task_id)
                self.state.update(task, error=str(exc))
                self._report(task, ReplicateStatus.COMPUTE_FAILED, {"error": f"{type(exc).__name__}: {exc}"})
                continue
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
        except Exception as exc:  # CannotContribute, or TxReverted / TxError with the chain layer's reason
            log.warning("contribute %s failed: %s", task.task_id, exc)
            self._fail(task, ReplicateStatus.CONTRIBUTE_FAILED, str(exc))
            return
        tx = res["txHash"] or task.contribute_tx
        self.state.update(task, L.CONTRIBUTED, result_hash=res["resultHash"], contribute_tx=tx)
        self._report(task, ReplicateStatus.CONTRIBUTED, {"txHash": tx, "resultHash": res["resultHash"]})

    def _reveal(self, task: LocalTask, _reason=None) -> None:
        try:
            self.state.update(task, L.REVEALING)
            res = self.chain.reveal(
                task.offer.to_wire(),
                task.digest_bytes,
                on_sent=lambda h, _n: self.state.update(task, reveal_tx=h),
            )
        except Exception as exc:
            log.warning("reveal %s failed: %s", task.task_id, exc)
            self._fail(task, ReplicateStatus.REVEAL_FAILED, str(exc))
            return
        tx = res["txHash"] or task.reveal_tx
        self.state.update(task, L.REVEALED, reveal_tx=tx)
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
        log.info(
            "task %s %s%s",
            task.task_id[:10],
            "completed" if status == L.DONE else "aborted",
            f" ({reason})" if reason else "",
        )

    def stop(self) -> None:
        self.stop_event.set()
