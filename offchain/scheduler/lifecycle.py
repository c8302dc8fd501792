"""The task lifecycle: each tick, every live task is compared with the chain and moved on (consensus, reveal, uploader
election, finalize, reopen, end), one handler per status.

Crash safety: each handler reads the chain before acting and writes its intent (the next status) before sending, so
a restart re-derives each in-flight task from chain state: a FINALIZING task already COMPLETED on chain just becomes
COMPLETED, a REOPENING one already reopened goes on as REOPENED.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from eth_utils import keccak

from offchain.chain.client import ChainClient
from offchain.protocol import constants as C
from offchain.protocol import deadlines
from offchain.protocol import workflow as wf
from offchain.protocol.statuses import AbortCause, Modifier
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.protocol.statuses import TaskStatus as T
from offchain.scheduler.clock import Clock
from offchain.scheduler.config import Config
from offchain.scheduler.detectors import Detectors
from offchain.scheduler.outbox import Outbox
from offchain.scheduler.results import ResultStore, result_link
from offchain.scheduler.store import Replicate, Store, Task, Worker
from offchain.scheduler.store import queries as q
from offchain.scheduler.watcher import hx

log = logging.getLogger("scheduler")

# A replicate of these statuses cannot upload any more.
_UPLOADER_GONE = (R.WORKER_LOST, R.FAILED, R.ABORTED, R.RESULT_UPLOAD_FAILED)


class TaskLifecycle:
    def __init__(
        self,
        cfg: Config,
        store: Store,
        chain: ChainClient,
        outbox: Outbox,
        results: ResultStore,
        clock: Clock,
        head_number: Callable[[], int],
    ):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.outbox = outbox
        self.results = results
        self.clock = clock
        self.head_number = head_number
        self.detectors = Detectors(cfg, store, chain, clock, head_number)
        self._handlers = {
            T.INITIALIZED: self._on_running,
            T.RUNNING: self._on_running,
            T.CONSENSUS_REACHED: self._on_consensus,
            T.AT_LEAST_ONE_REVEALED: self._on_revealed,
            T.RESULT_UPLOADING: self._on_uploading,
            T.RESULT_UPLOADED: self._on_uploaded,
            T.FINALIZING: self._on_uploaded,
            T.REOPENING: self._on_reopening,
            T.REOPENED: self._on_reopening,
        }

    def update_all(self) -> None:
        with self.store.read() as s:
            task_ids = q.active_task_ids(s)
        for task_id in task_ids:
            self.update_task(task_id)

    def update_task(self, task_id: str) -> None:
        t = self._reload(task_id)
        if t is None or t.status in wf.TASK_FINAL:
            return
        now = self.chain.chain_now()
        chain_task = self.chain.view_task(task_id)
        if chain_task["status"] == C.TASK_COMPLETED:
            return self._completed(t, "completed on chain")
        if chain_task["status"] == C.TASK_FAILED:
            return self._failed(t, None, "claimed on chain")
        if not deadlines.is_open(t.final_deadline, now):  # not finalized in time: nothing can complete it now
            return self._failed(t, T.FINAL_DEADLINE_REACHED, "final deadline reached")
        self.detectors.sync_contributions(t, chain_task)
        handler = self._handlers.get(t.status)
        if handler is not None:
            handler(t, chain_task, now)

    # -- contributions and consensus ------------------------------------------------------------------------------
    def _on_running(self, t: Task, chain_task: dict, now: int) -> None:
        with self.store.tx() as s:
            if chain_task["status"] == C.TASK_REVEALING:
                self.store.set_task_status(
                    s,
                    t.task_id,
                    t.status,
                    T.CONSENSUS_REACHED,
                    consensus=hx(chain_task["consensusValue"]),
                    reveal_deadline=chain_task["revealDeadline"],
                    consensus_block=t.consensus_block or self.head_number(),
                )
            elif not deadlines.is_open(t.contribution_deadline, now):
                self.store.fail_task(
                    s, t.task_id, t.status, T.CONTRIBUTION_TIMEOUT, "contribution deadline over"
                )
                q.set_claim_pending(s, [t.task_id], True)
                self._end_replicates(s, t.task_id, success=False)
            elif t.status == T.INITIALIZED and (
                chain_task["contributors"] or q.has_started_replicate(s, t.task_id)
            ):
                self.store.set_task_status(s, t.task_id, T.INITIALIZED, T.RUNNING)

    def _on_consensus(self, t: Task, chain_task: dict, now: int) -> None:
        if chain_task["revealCounter"] > 0:
            with self.store.tx() as s:
                self.store.set_task_status(s, t.task_id, T.CONSENSUS_REACHED, T.AT_LEAST_ONE_REVEALED)
            self.elect_uploader(t.task_id)
            return
        reveal_deadline = chain_task["revealDeadline"]
        if not reveal_deadline or deadlines.is_open(reveal_deadline, now):
            return
        if not deadlines.is_open(t.contribution_deadline, now + self.cfg.assign_margin):
            return  # nobody could contribute after a reopen: let the final deadline fail it (claim)
        with self.store.tx() as s:
            if not self.store.set_task_status(
                s, t.task_id, T.CONSENSUS_REACHED, T.REOPENING, "nobody revealed"
            ):
                return
        self._on_reopening(self._reload(t.task_id), self.chain.view_task(t.task_id), now)

    def _on_reopening(self, t: Task, chain_task: dict, now: int) -> None:
        if t.status == T.REOPENING:
            if chain_task["status"] == C.TASK_REVEALING:
                self.outbox.wait_idle()
                chain_task = self.chain.view_task(t.task_id)
            if chain_task["status"] == C.TASK_REVEALING:
                if self.outbox.send("reopen", [t.task_id], self.chain.reopen_tx(t.task_id)) is None:
                    with self.store.tx() as s:
                        self.store.fail_task(s, t.task_id, T.REOPENING, T.REOPEN_FAILED, "reopen rejected")
                    return
            with self.store.tx() as s:
                self.store.set_task_status(s, t.task_id, T.REOPENING, T.REOPENED)
        with self.store.tx() as s:
            # The silent winners are out; their replicates fail (cause REVEAL_TIMEOUT).
            for rep in q.replicates_with_hash(s, t.task_id, t.consensus):
                if wf.replicate_can_move(rep.status, R.FAILED):
                    self.store.set_replicate_status(
                        s,
                        t.task_id,
                        rep.worker,
                        rep.status,
                        R.FAILED,
                        Modifier.POOL_MANAGER,
                        AbortCause.REVEAL_TIMEOUT,
                    )
            self.store.set_task_status(
                s, t.task_id, T.REOPENED, T.INITIALIZED, consensus=None, consensus_block=0, reveal_deadline=0
            )

    # -- result upload --------------------------------------------------------------------------------------------
    def elect_uploader(self, task_id: str, exclude: str | None = None) -> None:
        with self.store.tx() as s:
            t = s.get(Task, task_id)
            candidates = [r for r in q.revealed_replicates(s, task_id) if r.worker != exclude]
            if not candidates:
                return
            chosen = random.choice(candidates)
            self.store.set_replicate_status(
                s, task_id, chosen.worker, R.REVEALED, R.RESULT_UPLOAD_REQUESTED, Modifier.POOL_MANAGER
            )
            fields = {"uploader": chosen.worker, "upload_requested_at": self.clock.time()}
            if t.status == T.AT_LEAST_ONE_REVEALED:
                self.store.set_task_status(s, task_id, T.AT_LEAST_ONE_REVEALED, T.RESULT_UPLOADING, **fields)
            else:
                for key, value in fields.items():
                    setattr(t, key, value)
            log.info("task %s: %s elected to upload the result", task_id, chosen.worker)

    def _on_revealed(self, t: Task, chain_task: dict, now: int) -> None:
        self.elect_uploader(t.task_id)

    def _on_uploading(self, t: Task, chain_task: dict, now: int) -> None:
        with self.store.read() as s:
            up = s.get(Replicate, (t.task_id, t.uploader)) if t.uploader else None
        if up is not None and up.status == R.RESULT_UPLOADED and self.results.has(t.task_id):
            with self.store.tx() as s:
                self.store.set_task_status(
                    s,
                    t.task_id,
                    T.RESULT_UPLOADING,
                    T.RESULT_UPLOADED,
                    result_link=result_link(t.task_id),
                    callback_data=up.callback_data,
                )
            return self._on_uploaded(self._reload(t.task_id), chain_task, now)
        if up is None or up.status in _UPLOADER_GONE or self._uploader_silent(t, up):
            if up is not None and wf.replicate_can_move(up.status, R.RESULT_UPLOAD_FAILED):
                with self.store.tx() as s:
                    self.store.set_replicate_status(
                        s,
                        t.task_id,
                        up.worker,
                        up.status,
                        R.RESULT_UPLOAD_FAILED,
                        Modifier.POOL_MANAGER,
                        "upload timeout",
                    )
            self.elect_uploader(t.task_id, exclude=t.uploader)

    def _uploader_silent(self, t: Task, up: Replicate) -> bool:
        """Past the upload timeout, or the uploader stopped pinging (it will not upload: pick another now)."""
        now = self.clock.time()
        if now - t.upload_requested_at > self.cfg.upload_timeout:
            return True
        with self.store.read() as s:
            worker = s.get(Worker, up.worker)
        return worker is None or worker.last_alive < now - self.cfg.worker_lost_after

    # -- finalize -------------------------------------------------------------------------------------------------
    def _on_uploaded(self, t: Task, chain_task: dict, now: int) -> None:
        """Finalize once the chain allows it: all winners revealed, or >= 1 revealed and the reveal deadline over."""
        if chain_task["status"] != C.TASK_REVEALING:
            return
        ready = chain_task["revealCounter"] == chain_task["winnerCounter"] or (
            chain_task["revealCounter"] > 0 and not deadlines.is_open(chain_task["revealDeadline"], now)
        )
        if not ready or not deadlines.is_open(chain_task["finalDeadline"], now):
            return
        if t.status == T.RESULT_UPLOADED:
            with self.store.tx() as s:
                if not self.store.set_task_status(s, t.task_id, T.RESULT_UPLOADED, T.FINALIZING):
                    return
        self.outbox.wait_idle()
        chain_task = self.chain.view_task(t.task_id)
        if chain_task["status"] == C.TASK_COMPLETED:
            return self._completed(self._reload(t.task_id), "finalized")
        if chain_task["status"] != C.TASK_REVEALING:
            return
        callback = self._callback_data(t, bytes(chain_task["resultDigest"])) if int(t.callback, 16) else b""
        fn = self.chain.finalize_tx(t.task_id, result_link(t.task_id).encode(), callback)
        if self.outbox.send("finalize", [t.task_id], fn) is not None:
            return self._completed(self._reload(t.task_id), "finalized")
        chain_task = self.chain.view_task(t.task_id)
        if chain_task["status"] == C.TASK_COMPLETED:
            return self._completed(self._reload(t.task_id), "finalized")
        if chain_task["status"] == C.TASK_REVEALING and deadlines.is_open(chain_task["finalDeadline"], now):
            return  # e.g. reveal window still open: try again later
        with self.store.tx() as s:
            self.store.fail_task(s, t.task_id, T.FINALIZING, T.FINALIZE_FAILED, "finalize rejected")

    def _callback_data(self, t: Task, digest: bytes) -> bytes:
        """The bytes for the deal's callback: reported by the uploader, else read from computed.json in the
        uploaded archive; only bytes whose keccak is the revealed digest are used (the contract checks it too)."""
        candidates = []
        if t.callback_data:
            candidates.append(bytes.fromhex(t.callback_data.removeprefix("0x")))
        candidates.append(self.results.callback_data(t.task_id))
        for data in candidates:
            if data is not None and keccak(data) == digest:
                return data
        return b""

    # -- end ------------------------------------------------------------------------------------------------------
    def _completed(self, t: Task, cause: str) -> None:
        with self.store.tx() as s:
            if t.status != T.FINALIZED and not self.store.set_task_status(
                s, t.task_id, t.status, T.FINALIZED, cause
            ):
                return
            self.store.set_task_status(s, t.task_id, T.FINALIZED, T.COMPLETED, cause)
            self._end_replicates(s, t.task_id, success=True)
        log.info("task %s completed", t.task_id)

    def _failed(self, t: Task, error: str | None, cause: str) -> None:
        with self.store.tx() as s:
            if error and wf.task_can_move(t.status, error):
                self.store.fail_task(s, t.task_id, t.status, error, cause)
            elif wf.task_can_move(t.status, T.FAILED):
                self.store.set_task_status(s, t.task_id, t.status, T.FAILED, cause)
            else:
                self.store.fail_task(s, t.task_id, t.status, T.FINAL_DEADLINE_REACHED, cause)
            q.set_claim_pending(s, [t.task_id], error is not None)  # not when the chain already says FAILED
            self._end_replicates(s, t.task_id, success=False)
        log.info("task %s failed: %s", t.task_id, cause)

    def _end_replicates(self, s, task_id: str, success: bool) -> None:
        """Free every worker from an ended task: winners complete, the others fail or abort."""
        consensus = s.get(Task, task_id).consensus
        for rep in q.replicates_of(s, task_id):
            if rep.status in wf.REPLICATE_FINAL:
                continue
            new = _end_status(rep, consensus, success)
            if wf.replicate_can_move(rep.status, new):
                self.store.set_replicate_status(
                    s, task_id, rep.worker, rep.status, new, Modifier.POOL_MANAGER, "task ended"
                )

    def _reload(self, task_id: str) -> Task | None:
        with self.store.read() as s:
            return s.get(Task, task_id)


def _end_status(rep: Replicate, consensus: str | None, success: bool) -> R:
    """Where a replicate ends when its task does."""
    if success and rep.status in (R.REVEALED, R.RESULT_UPLOAD_REQUESTED, R.RESULT_UPLOADED):
        return R.COMPLETED
    if rep.result_hash and rep.result_hash != consensus:
        return R.FAILED
    if rep.status in wf.REPLICATE_PENDING or rep.status == R.WORKER_LOST:
        return R.ABORTED if wf.replicate_can_move(rep.status, R.ABORTED) else R.FAILED
    return R.FAILED
