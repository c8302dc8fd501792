"""Assignment (pull model): a worker asking for work gets the most urgent task that still needs a contributor, as
the consensus predictor sees it, with the pool's signed authorization to contribute."""

from __future__ import annotations

import json
import logging
import threading

from offchain.chain.client import ChainClient
from offchain.protocol import constants as C
from offchain.protocol import hashing
from offchain.protocol import workflow as wf
from offchain.protocol.consensus import needs_more_workers, worker_weight
from offchain.protocol.messages import WorkOffer
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.scheduler.clock import Clock
from offchain.scheduler.config import Config
from offchain.scheduler.store import Replicate, Store, Task, Worker
from offchain.scheduler.store import queries as q

log = logging.getLogger("scheduler")

SCORE_TTL = 30.0  # seconds a worker's on-chain score is reused


class Assigner:
    def __init__(self, cfg: Config, store: Store, chain: ChainClient, clock: Clock, lock: threading.RLock):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.clock = clock
        self.lock = lock  # shared with the loop: one engine step or one assignment at a time
        self._scores: dict[str, tuple[float, int]] = {}

    def worker_weight(self, wallet: str) -> int:
        cached = self._scores.get(wallet)
        if cached and self.clock.monotonic() - cached[0] < SCORE_TTL:
            return cached[1]
        weight = worker_weight(self.chain.view_score(wallet))
        self._scores[wallet] = (self.clock.monotonic(), weight)
        return weight

    def assign(self, wallet: str) -> WorkOffer | None:
        """The task this worker should take now, or None (not registered, every slot busy, nothing to do)."""
        now = self.chain.chain_now()
        with self.lock:
            with self.store.read() as s:
                worker = s.get(Worker, wallet)
                if worker is None or not worker.registered:
                    return None
                if q.busy_slots(s, wallet) >= max(worker.cpu_count, 1):
                    return None
                candidates = q.assignable_tasks(s, now + self.cfg.assign_margin)
            for t in candidates:
                offer = self._try_assign(t, wallet)
                if offer is not None:
                    return offer
        return None

    def _try_assign(self, t: Task, wallet: str) -> WorkOffer | None:
        with self.store.read() as s:
            reps = q.replicates_of(s, t.task_id)
        if any(r.worker == wallet for r in reps) or not self._needs_a_worker(t, reps):
            return None
        chain_task = self.chain.view_task(t.task_id)
        if chain_task["status"] != C.TASK_ACTIVE or len(chain_task["contributors"]) >= C.MAX_CONTRIBUTORS:
            return None
        weight = self.worker_weight(wallet)
        with self.store.tx() as s:
            if not self.store.add_replicate(s, t.task_id, wallet, weight):
                return None  # given to this worker meanwhile (another process sharing the database)
        log.info("task %s given to %s", t.task_id, wallet)
        return self.offer(t, wallet)

    def _needs_a_worker(self, t: Task, reps: list[Replicate]) -> bool:
        """The predictor: would the contributions so far plus the fresh pending replicates reach consensus?"""
        fresh_after = self.clock.time() - max(t.timeref, 60)
        # Rejected contributions (silent winners after a reopen) no longer count on chain.
        contributed = [(r.result_hash, r.weight) for r in reps if r.result_hash and r.status != R.FAILED]
        pending = [
            r.weight
            for r in reps
            if not r.result_hash and r.status in wf.REPLICATE_PENDING and r.created_at > fresh_after
        ]
        return needs_more_workers(t.trust, contributed, pending)

    def offer(self, t: Task, wallet: str) -> WorkOffer:
        sign = hashing.sign_authorization(self.cfg.private_key, wallet, t.task_id, t.enclave_challenge)
        return WorkOffer(
            taskId=t.task_id,
            dealId=t.deal_id,
            taskIndex=t.idx,
            enclaveChallenge=t.enclave_challenge,
            authorizationSign="0x" + sign.hex(),
            app=json.loads(t.app),
            dataset=json.loads(t.dataset),
            params=t.params,
            botFirst=t.bot_first,
            botSize=t.bot_size,
            timeref=t.timeref,
            contributionDeadline=t.contribution_deadline,
            finalDeadline=t.final_deadline,
            callback=t.callback,
        )
