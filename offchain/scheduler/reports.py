"""Worker reports (`POST /replicates/{taskId}/updateStatus`): checked against the chain and the store, applied as a
compare-and-set, and answered with the next action. A duplicate or outdated report changes nothing and gets 208
with the current action, so a worker that re-reports always learns what to do next."""

from __future__ import annotations

import re
from collections.abc import Callable

from offchain.chain.client import ChainClient
from offchain.protocol import constants as C
from offchain.protocol import deadlines
from offchain.protocol import workflow as wf
from offchain.protocol.messages import InterruptedNotice, NextActionReply
from offchain.protocol.statuses import Modifier, NextAction
from offchain.protocol.statuses import ReplicateStatus as R
from offchain.scheduler.clock import Clock
from offchain.scheduler.config import Config
from offchain.scheduler.errors import Refused, clean_text
from offchain.scheduler.results import ResultStore, result_link, result_location
from offchain.scheduler.store import Replicate, Store, Task
from offchain.scheduler.store import queries as q

ACCEPTED, ALREADY_REPORTED = 200, 208
_HEX_BYTES = re.compile(r"0x([0-9a-fA-F]{2})*")


def check_report(status: str, details: dict) -> str:
    """A report a worker may send at all; returns its cause text (`details.error`, cut to 300 characters)."""
    if status not in wf.WORKER_REPORTS:
        raise Refused(400, f"status {status!r} is not one a worker may report: {sorted(wf.WORKER_REPORTS)}")
    return clean_text(str(details.get("error", "")), "details.error")[:300]


def _already_reported(current: str, status: str) -> bool:
    """The replicate is at or past this status (a retry, or the engine moved it first)."""
    return (
        current == status
        or current in wf.REPLICATE_FINAL
        or (wf.replicate_rank(current) > wf.replicate_rank(status) >= 0)
        or (current == R.RESULT_UPLOAD_REQUESTED and status == R.REVEALED)
    )


class Reports:
    def __init__(
        self,
        cfg: Config,
        store: Store,
        chain: ChainClient,
        results: ResultStore,
        clock: Clock,
        poke: Callable[[], None],
    ):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.results = results
        self.clock = clock
        self.poke = poke  # wakes the loop: a report often lets a task move on

    def next_action(self, task: Task, rep: Replicate) -> NextActionReply:
        now = self.chain.chain_now()
        action, extra = wf.next_action(
            task.status,
            {"worker": rep.worker, "status": rep.status, "result_hash": rep.result_hash},
            consensus=task.consensus,
            uploader=task.uploader,
            contribution_open=deadlines.is_open(task.contribution_deadline, now),
            # the reveal deadline is known once consensus is (0 before: nothing to reveal yet)
            reveal_open=not task.reveal_deadline or deadlines.is_open(task.reveal_deadline, now),
        )
        extra = dict(extra)
        if action == NextAction.PLEASE_REVEAL:
            extra.update(consensusBlock=task.consensus_block, consensus=task.consensus)
        if action == NextAction.PLEASE_UPLOAD:
            extra.update(resultStoreUrl=self.cfg.public_url, location=result_location(task.task_id))
        return NextActionReply(nextAction=action, extra=extra)

    def current_action(self, task_id: str, wallet: str) -> NextActionReply:
        with self.store.read() as s:
            return self.next_action(s.get(Task, task_id), s.get(Replicate, (task_id, wallet)))

    def interrupted(self, wallet: str) -> list[InterruptedNotice]:
        """The next action of each unfinished replicate of this worker (what a restarted worker resumes)."""
        with self.store.read() as s:
            rows = q.unfinished_replicates(s, wallet)
        notices = []
        for rep, task in rows:
            reply = self.next_action(task, rep)
            notices.append(
                InterruptedNotice(taskId=task.task_id, nextAction=reply.nextAction, extra=reply.extra)
            )
        return notices

    def update_status(
        self, task_id: str, wallet: str, status: str, cause: str, details: dict
    ) -> tuple[int, NextActionReply]:
        """Apply one report; returns (200 or 208, the next action)."""
        with self.store.read() as s:
            task = s.get(Task, task_id)
            rep = s.get(Replicate, (task_id, wallet))
        if task is None:
            raise Refused(404, f"unknown task {task_id}")
        if rep is None:
            raise Refused(403, f"task {task_id} was not given to {wallet}")
        current = rep.status
        if _already_reported(current, status):
            return ALREADY_REPORTED, self.current_action(task_id, wallet)
        if not wf.replicate_can_move(current, status):
            raise Refused(409, f"cannot go from {current} to {status} for task {task_id}")
        fields = self._validate(task, status, details, wallet)
        with self.store.tx() as s:
            q.touch_worker(s, wallet, self.clock.time())  # a reporting worker is alive
            ok = self.store.set_replicate_status(
                s, task_id, wallet, current, status, Modifier.WORKER, cause, **fields
            )
        if not ok:  # raced with the engine: answer with the state that won
            return ALREADY_REPORTED, self.current_action(task_id, wallet)
        self.poke()
        return ACCEPTED, self.current_action(task_id, wallet)

    def _validate(self, task: Task, status: str, details: dict, wallet: str) -> dict:
        """Check a report against the chain and the store before accepting it; returns fields to store."""
        if status == R.CONTRIBUTED:
            contribution = self.chain.view_contribution(task.task_id, wallet)
            if contribution["status"] not in (C.CONTRIBUTION_CONTRIBUTED, C.CONTRIBUTION_PROVED):
                raise Refused(409, f"no contribution of {wallet} to task {task.task_id} on chain yet")
            return {"result_hash": "0x" + bytes(contribution["resultHash"]).hex()}
        if status == R.REVEALED:
            if self.chain.view_contribution(task.task_id, wallet)["status"] != C.CONTRIBUTION_PROVED:
                raise Refused(409, f"no reveal of {wallet} for task {task.task_id} on chain yet")
            return {}
        if status == R.RESULT_UPLOADED:
            return self._validate_upload(task, details, wallet)
        return {}

    def _validate_upload(self, task: Task, details: dict, wallet: str) -> dict:
        if (task.uploader or "") != wallet:
            raise Refused(409, f"{wallet} is not the elected uploader of task {task.task_id}")
        if not self.results.has(task.task_id):
            location = result_location(task.task_id)
            raise Refused(409, f"no result stored for task {task.task_id}: PUT {location} first")
        callback = details.get("callbackData")
        if callback is not None and not _HEX_BYTES.fullmatch(str(callback)):
            raise Refused(400, "details.callbackData must be 0x-prefixed hex bytes")
        link = str(details.get("resultLink") or result_link(task.task_id))
        return {"result_link": clean_text(link, "details.resultLink"), "callback_data": callback}
