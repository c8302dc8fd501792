"""The chain watcher: follows our pool's deals (SchedulerNotice -> one task per index of the bag) and the Task* events
(shortcuts only: the lifecycle's detectors re-read the chain and stay the source of truth)."""

from __future__ import annotations

import json
import logging

from eth_utils import to_checksum_address

from offchain.chain.client import ZERO_ADDRESS, ChainClient
from offchain.chain.events import Event, LogFollower, topic_of_address
from offchain.protocol import constants as C
from offchain.protocol import deadlines, hashing
from offchain.protocol import workflow as wf
from offchain.protocol.statuses import Modifier
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.scheduler.config import Config
from offchain.scheduler.store import CURSORS, Deal, Replicate, Store, Task

log = logging.getLogger("scheduler")

TASK_EVENTS = ["TaskContribute", "TaskConsensus", "TaskReveal", "TaskFinalize", "TaskClaimed", "TaskReopen"]


def hx(value: bytes | str) -> str:
    """Ids and hashes as the database keeps them: lower-case 0x-hex."""
    return value.lower() if isinstance(value, str) else "0x" + bytes(value).hex()


def mark_contributed(store: Store, s, task_id: str, worker: str, result_hash: str, block: int) -> None:
    """A contribution seen on chain: the replicate becomes CONTRIBUTED (or just learns its hash when it is past)."""
    rep = s.get(Replicate, (task_id, worker))
    if rep is None or rep.result_hash:
        return
    if wf.replicate_can_move(rep.status, R.CONTRIBUTED):
        store.set_replicate_status(
            s,
            task_id,
            worker,
            rep.status,
            R.CONTRIBUTED,
            Modifier.POOL_MANAGER,
            "seen on chain",
            result_hash=result_hash,
            contribute_block=block,
        )
    else:
        rep.result_hash = result_hash
        rep.contribute_block = block


class ChainWatcher:
    def __init__(self, cfg: Config, store: Store, chain: ChainClient, metrics: dict):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.pool = to_checksum_address(cfg.workerpool)
        self.metrics = metrics
        self._followers: tuple[LogFollower, LogFollower] | None = None

    def followers(self) -> tuple[LogFollower, LogFollower]:
        """The SchedulerNotice follower (our pool only) and the Task* events follower, built on first use."""
        if self._followers is None:
            common = {"confirmations": self.cfg.confirmations, "start_block": self.cfg.start_block}
            deals = self.chain.log_follower(
                f"deals:{self.pool}",
                ["SchedulerNotice"],
                CURSORS,
                extra_topics=[topic_of_address(self.pool)],
                **common,
            )
            tasks = self.chain.log_follower(f"tasks:{self.pool}", TASK_EVENTS, CURSORS, **common)
            self._followers = (deals, tasks)
        return self._followers

    def poll(self) -> int:
        """Apply the new deal and task events; returns how many were applied."""
        deals, tasks = self.followers()
        return deals.poll(self.store.tx, self.apply_deal_event) + tasks.poll(
            self.store.tx, self.apply_task_event
        )

    # -- deals ----------------------------------------------------------------------------------------------------
    def apply_deal_event(self, s, event: Event) -> None:
        """SchedulerNotice for our pool: create one task per index of the bag, once (idempotent per deal)."""
        deal_id = hx(event.args["dealid"])
        if s.get(Deal, deal_id) is not None:
            return
        self.metrics["deals_seen"] += 1
        deal = self.chain.view_deal(deal_id)
        reason = self.refusal(deal)
        s.add(
            Deal(
                deal_id=deal_id,
                block=event.block_number,
                accepted=not reason,
                reason=reason,
                bot_first=deal["botFirst"],
                bot_size=deal["botSize"],
                created_at=self.store.clock.time(),
            )
        )
        if reason:
            log.warning("deal %s skipped: %s", deal_id, reason)
            return
        for row in self._task_rows(deal_id, deal):
            self.metrics["tasks_created"] += int(self.store.create_task(s, **row))
        log.info("deal %s: %d task(s) from index %d", deal_id, deal["botSize"], deal["botFirst"])

    def _task_rows(self, deal_id: str, deal: dict) -> list[dict]:
        """The columns of each task of the deal's bag."""
        timeref = self.chain.view_category(deal["category"])["workClockTimeRef"]
        start = deal["startTime"]
        common = dict(
            deal_id=deal_id,
            trust=max(deal["trust"], 1),
            tag=hx(deal["tag"]),
            timeref=timeref,
            start_time=start,
            contribution_deadline=deadlines.contribution_deadline(start, timeref),
            final_deadline=deadlines.final_deadline(start, timeref),
            bot_first=deal["botFirst"],
            bot_size=deal["botSize"],
            app=json.dumps(self.chain.app_info(deal["app"]["pointer"])),
            dataset=json.dumps(self.chain.dataset_info(deal["dataset"]["pointer"])),
            params=deal["params"],
            callback=deal["callback"],
            requester=deal["requester"],
            enclave_challenge=ZERO_ADDRESS,
        )
        first = deal["botFirst"]
        return [
            {"task_id": hx(hashing.task_id(deal_id, idx)), "idx": idx, **common}
            for idx in range(first, first + deal["botSize"])
        ]

    def refusal(self, deal: dict) -> str:
        """Why this scheduler does not take the deal ("" when it does)."""
        if to_checksum_address(deal["workerpool"]["pointer"]) != self.pool:
            return "deal belongs to another workerpool"
        if deal["botSize"] == 0:
            return "unknown deal (empty bag)"
        timeref = self.chain.view_category(deal["category"])["workClockTimeRef"]
        contribution_deadline = deadlines.contribution_deadline(deal["startTime"], timeref)
        if not deadlines.is_open(contribution_deadline, self.chain.chain_now()):
            return "contribution deadline already over"
        if int.from_bytes(deal["tag"], "big") & C.TAG_TEE:
            return "TEE tasks are not supported by this scheduler"
        # The store keeps trust in a signed 64-bit column; no consensus could be reached at such a trust anyway.
        if deal["trust"] >= 2**63:
            return f"trust {deal['trust']} is beyond any reachable consensus"
        return ""

    # -- task events ----------------------------------------------------------------------------------------------
    def apply_task_event(self, s, event: Event) -> None:
        task_id = hx(event.args["taskid"])
        task = s.get(Task, task_id)
        if task is None:
            return
        if event.name == "TaskConsensus" and not task.consensus_block:
            task.consensus = hx(event.args["consensus"])
            task.consensus_block = event.block_number
        elif event.name == "TaskContribute":
            worker = to_checksum_address(event.args["worker"])
            mark_contributed(self.store, s, task_id, worker, hx(event.args["hash"]), event.block_number)
        elif event.name == "TaskReveal":
            rep = s.get(Replicate, (task_id, to_checksum_address(event.args["worker"])))
            if rep is not None and wf.replicate_can_move(rep.status, R.REVEALED):
                self.store.set_replicate_status(
                    s, task_id, rep.worker, rep.status, R.REVEALED, Modifier.POOL_MANAGER
                )
