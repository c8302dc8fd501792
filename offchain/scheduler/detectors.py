"""Detectors: what happened without anyone telling the scheduler. Workers that stopped pinging, and contributions or
reveals on chain that their worker never reported (or whose event was missed)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from eth_utils import to_checksum_address

from offchain.chain.client import ChainClient
from offchain.protocol import constants as C
from offchain.protocol.statuses import Modifier
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.scheduler.clock import Clock
from offchain.scheduler.config import Config
from offchain.scheduler.store import Replicate, Store, Task
from offchain.scheduler.store import queries as q
from offchain.scheduler.watcher import hx, mark_contributed

log = logging.getLogger("scheduler")


class Detectors:
    def __init__(
        self, cfg: Config, store: Store, chain: ChainClient, clock: Clock, head_number: Callable[[], int]
    ):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.clock = clock
        self.head_number = head_number

    def lost_workers(self) -> None:
        """Workers silent for too long: their unfinished, uncontributed replicates become WORKER_LOST so the
        predictor asks for a replacement before the contribution deadline."""
        silent_since = self.clock.time() - self.cfg.worker_lost_after
        with self.store.tx() as s:
            for rep in q.replicates_of_lost_workers(s, silent_since):
                self.store.set_replicate_status(
                    s, rep.task_id, rep.worker, rep.status, R.WORKER_LOST, Modifier.POOL_MANAGER, "no ping"
                )
                log.info("worker %s lost on task %s", rep.worker, rep.task_id)

    def sync_contributions(self, t: Task, chain_task: dict) -> None:
        """ContributionUnnotified / RevealUnnotified: fill in what the chain knows and the database does not."""
        with self.store.read() as s:
            known = {r.worker: r for r in q.replicates_of(s, t.task_id)}
        for worker in map(to_checksum_address, chain_task["contributors"]):
            rep = known.get(worker)
            if rep is None or (rep.result_hash and rep.status != R.CONTRIBUTED):
                continue
            contribution = self.chain.view_contribution(t.task_id, worker)
            with self.store.tx() as s:
                if not rep.result_hash:
                    result_hash = hx(contribution["resultHash"])
                    mark_contributed(self.store, s, t.task_id, worker, result_hash, self.head_number())
                current = s.get(Replicate, (t.task_id, worker))
                if contribution["status"] == C.CONTRIBUTION_PROVED and current.status == R.CONTRIBUTED:
                    self.store.set_replicate_status(
                        s,
                        t.task_id,
                        worker,
                        R.CONTRIBUTED,
                        R.REVEALED,
                        Modifier.POOL_MANAGER,
                        "seen on chain",
                    )
