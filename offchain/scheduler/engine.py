"""The scheduler's engine: deal watcher, task manager (initialize / consensus / upload / finalize / reopen) and the
detectors (lost workers, timeouts), run as one loop.

Crash safety: every step reads the chain before acting and persists intent before sending, so a restart (even after
SIGKILL) re-derives each in-flight task from chain state: a task INITIALIZING whose task is already ACTIVE on chain just
becomes INITIALIZED, a FINALIZING task already COMPLETED becomes COMPLETED. Before any send the TxSender waits until
none of our transactions is in flight and preflights with eth_estimateGas, so no transaction the contract would reject
is ever broadcast.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils import keccak, to_checksum_address
from sqlalchemy import func, select

from offchain.chain.client import ZERO_ADDRESS, ChainClient
from offchain.chain.errors import TxError, TxReverted
from offchain.chain.events import Event, LogFollower, topic_of_address
from offchain.chain.tx import TxSender
from offchain.protocol import constants as C
from offchain.protocol import hashing
from offchain.protocol import workflow as wf
from offchain.protocol.consensus import needs_more_workers, worker_weight
from offchain.scheduler.store import CURSORS, Deal, Replicate, Result, Store, Task, TxRecord, Worker

log = logging.getLogger("scheduler")

TASK_EVENTS = ["TaskContribute", "TaskConsensus", "TaskReveal", "TaskFinalize", "TaskClaimed", "TaskReopen"]


@dataclass
class Config:
    workerpool: str
    private_key: str
    results_dir: Path
    public_url: str = "http://127.0.0.1:13000"
    start_block: int = 0
    confirmations: int = 0
    poll_interval: float = 1.0
    ask_period: float = 1.0
    worker_lost_after: float = 30.0  # seconds without ping
    upload_timeout: float = 120.0  # elected uploader silent for that long -> elect another
    init_batch: int = 16
    assign_margin: int = 5  # do not hand out a task whose contribution deadline is closer than this (s)
    extra: dict = field(default_factory=dict)


def callback_from_archive(path: Path) -> bytes | None:
    """`callback-data` of the computed.json inside a result zip (at its root or under iexec_out/), if any."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "computed.json"]
            if not names:
                return None
            computed = json.loads(archive.read(min(names, key=len)))
        return bytes.fromhex(str(computed["callback-data"]).removeprefix("0x"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def hx(value: bytes | str) -> str:
    return value.lower() if isinstance(value, str) else "0x" + bytes(value).hex()


class Scheduler:
    def __init__(self, cfg: Config, store: Store, chain: ChainClient, sender: TxSender):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.sender = sender
        self.pool = to_checksum_address(cfg.workerpool)
        self.key = cfg.private_key
        self._followers: tuple[LogFollower, LogFollower] | None = None
        self.last_head_ok = 0.0
        self.head_number = 0
        self.metrics = {"ticks": 0, "deals_seen": 0, "tasks_created": 0, "events_applied": 0, "errors": 0}
        self._scores: dict[str, tuple[float, int]] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by the API after a report: run the next tick at once
        self.lock = threading.RLock()  # one engine step or one assignment at a time

    def followers(self) -> tuple[LogFollower, LogFollower]:
        """The SchedulerNotice follower (our pool only) and the Task* events follower, built on first use."""
        if self._followers is None:
            chain, cfg = self.chain, self.cfg
            abi = chain.hub.abi
            deals = LogFollower(
                chain.w3,
                f"deals:{self.pool}",
                chain.hub_address,
                abi,
                ["SchedulerNotice"],
                CURSORS,
                extra_topics=[topic_of_address(self.pool)],
                confirmations=cfg.confirmations,
                start_block=cfg.start_block,
            )
            tasks = LogFollower(
                chain.w3,
                f"tasks:{self.pool}",
                chain.hub_address,
                abi,
                TASK_EVENTS,
                CURSORS,
                confirmations=cfg.confirmations,
                start_block=cfg.start_block,
            )
            self._followers = (deals, tasks)
        return self._followers

    # -- loop -----------------------------------------------------------------------------------------------------
    def healthy(self) -> bool:
        return time.monotonic() - self.last_head_ok < max(15.0, 10 * self.cfg.poll_interval)

    def start(self) -> threading.Thread:
        self.sender.wait_idle()
        thread = threading.Thread(target=self.run, name="scheduler-engine", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def poke(self) -> None:
        """Something moved (a worker report, an upload): do not wait for the next poll to act on it."""
        self._wake.set()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                self.metrics["errors"] += 1
                log.exception("engine tick failed")
            self._wake.wait(self.cfg.poll_interval)
            self._wake.clear()

    def tick(self) -> None:
        head = self.chain.head()
        self.head_number = head.number
        self.last_head_ok = time.monotonic()
        with self.lock:
            deals, tasks = self.followers()
            self.metrics["events_applied"] += deals.poll(self.store.tx, self._apply_deal_event)
            self.metrics["events_applied"] += tasks.poll(self.store.tx, self._apply_task_event)
            self.detect_lost_workers()
            self.initialize_tasks()
            for task_id in self._active_task_ids():
                self.update_task(task_id)
            self.claim_expired()
        self.metrics["ticks"] += 1

    # -- claims ---------------------------------------------------------------------------------------------------
    def claim_expired(self) -> None:
        """Failed tasks still ACTIVE/REVEALING on chain past their final deadline: claim them (requester refunded,
        workers' stakes unlocked), in batches. Anyone may claim; the pool does it so nobody's funds stay locked."""
        now = self.chain.chain_now()
        with self.store.read() as s:
            due = s.scalars(
                select(Task.task_id).where(Task.claim_pending.is_(True), Task.final_deadline <= now).limit(64)
            ).all()
        if not due:
            return
        self.sender.wait_idle()
        claimable, settled = [], []
        for task_id in due:
            status = self.chain.view_task(bytes.fromhex(task_id[2:]))["status"]
            (claimable if status in (C.TASK_ACTIVE, C.TASK_REVEALING) else settled).append(task_id)
        if claimable:
            fn = self.chain.hub.functions.claimArray([bytes.fromhex(t[2:]) for t in claimable])
            if self._send("claim", claimable, fn) is not None:
                settled += claimable
        with self.store.tx() as s:
            for task_id in settled:
                s.get(Task, task_id).claim_pending = False

    def _active_task_ids(self) -> list[str]:
        skip = wf.TASK_FINAL | {wf.RECEIVED, wf.INITIALIZING}
        with self.store.read() as s:
            return list(
                s.scalars(select(Task.task_id).where(Task.status.not_in(skip)).order_by(Task.created_at))
            )

    # -- deal watcher ---------------------------------------------------------------------------------------------
    def _apply_deal_event(self, s, event: Event) -> None:
        """SchedulerNotice for our pool: create one task per index of the bag, once (idempotent per deal)."""
        deal_id = hx(event.args["dealid"])
        if s.get(Deal, deal_id) is not None:
            return
        self.metrics["deals_seen"] += 1
        deal = self.chain.view_deal(bytes.fromhex(deal_id[2:]))
        reason = self._refuse_deal(deal)
        s.add(
            Deal(
                deal_id=deal_id,
                block=event.block_number,
                accepted=not reason,
                reason=reason,
                bot_first=deal["botFirst"],
                bot_size=deal["botSize"],
            )
        )
        if reason:
            log.warning("deal %s skipped: %s", deal_id, reason)
            return
        timeref = self.chain.view_category(deal["category"])["workClockTimeRef"]
        app = self.chain.app_info(deal["app"]["pointer"])
        dataset = self.chain.dataset_info(deal["dataset"]["pointer"])
        start = deal["startTime"]
        for idx in range(deal["botFirst"], deal["botFirst"] + deal["botSize"]):
            created = self.store.create_task(
                s,
                task_id=hx(hashing.task_id(deal_id, idx)),
                deal_id=deal_id,
                idx=idx,
                trust=max(deal["trust"], 1),
                tag=hx(deal["tag"]),
                timeref=timeref,
                start_time=start,
                contribution_deadline=start + C.CONTRIBUTION_DEADLINE_RATIO * timeref,
                final_deadline=start + C.FINAL_DEADLINE_RATIO * timeref,
                bot_first=deal["botFirst"],
                bot_size=deal["botSize"],
                app=json.dumps(app),
                dataset=json.dumps(dataset),
                params=deal["params"],
                callback=deal["callback"],
                requester=deal["requester"],
                enclave_challenge=ZERO_ADDRESS,
            )
            self.metrics["tasks_created"] += int(created)
        log.info("deal %s: %d task(s) from index %d", deal_id, deal["botSize"], deal["botFirst"])

    def _refuse_deal(self, deal: dict) -> str:
        if to_checksum_address(deal["workerpool"]["pointer"]) != self.pool:
            return "deal belongs to another workerpool"
        if deal["botSize"] == 0:
            return "unknown deal (empty bag)"
        timeref = self.chain.view_category(deal["category"])["workClockTimeRef"]
        if deal["startTime"] + C.CONTRIBUTION_DEADLINE_RATIO * timeref <= self.chain.chain_now():
            return "contribution deadline already over"
        if int.from_bytes(deal["tag"], "big") & C.TAG_TEE:
            return "TEE tasks are not supported by this scheduler"
        # The store keeps trust in a signed 64-bit column; no consensus could be reached at such a trust anyway.
        if deal["trust"] >= 2**63:
            return f"trust {deal['trust']} is beyond any reachable consensus"
        return ""

    # -- task events (shortcuts; detectors stay the source of truth) ---------------------------------------------------
    def _apply_task_event(self, s, event: Event) -> None:
        task_id = hx(event.args["taskid"])
        task = s.get(Task, task_id)
        if task is None:
            return
        if event.name == "TaskConsensus" and not task.consensus_block:
            task.consensus = hx(event.args["consensus"])
            task.consensus_block = event.block_number
        elif event.name == "TaskContribute":
            worker = to_checksum_address(event.args["worker"])
            self._mark_contributed(s, task_id, worker, hx(event.args["hash"]), event.block_number)
        elif event.name == "TaskReveal":
            rep = s.get(Replicate, (task_id, to_checksum_address(event.args["worker"])))
            if rep is not None and wf.replicate_can_move(rep.status, wf.REVEALED):
                self.store.set_replicate_status(
                    s, task_id, rep.worker, rep.status, wf.REVEALED, "POOL_MANAGER"
                )

    def _mark_contributed(self, s, task_id: str, worker: str, result_hash: str, block: int) -> None:
        rep = s.get(Replicate, (task_id, worker))
        if rep is None or rep.result_hash:
            return
        if wf.replicate_can_move(rep.status, wf.CONTRIBUTED):
            self.store.set_replicate_status(
                s,
                task_id,
                worker,
                rep.status,
                wf.CONTRIBUTED,
                "POOL_MANAGER",
                "seen on chain",
                result_hash=result_hash,
                contribute_block=block,
            )
        else:
            rep.result_hash = result_hash
            rep.contribute_block = block

    # -- detectors ------------------------------------------------------------------------------------------------
    def detect_lost_workers(self) -> None:
        """Workers silent for too long: their unfinished, uncontributed replicates become WORKER_LOST so the
        predictor asks for a replacement before the contribution deadline."""
        limit = time.time() - self.cfg.worker_lost_after
        with self.store.tx() as s:
            rows = s.execute(
                select(Replicate)
                .join(Worker, Worker.wallet == Replicate.worker)
                .join(Task, Task.task_id == Replicate.task_id)
                .where(
                    Worker.last_alive < limit,
                    Replicate.status.in_(wf.REPLICATE_PENDING),
                    Task.status.not_in(wf.TASK_FINAL),
                )
            ).scalars()
            for rep in list(rows):
                self.store.set_replicate_status(
                    s, rep.task_id, rep.worker, rep.status, wf.WORKER_LOST, "POOL_MANAGER", "no ping"
                )
                log.info("worker %s lost on task %s", rep.worker, rep.task_id)

    # -- initialize -----------------------------------------------------------------------------------------------
    def initialize_tasks(self) -> None:
        now = self.chain.chain_now()
        with self.store.tx() as s:
            fresh = s.scalars(
                select(Task).where(Task.status == wf.RECEIVED).order_by(Task.contribution_deadline).limit(64)
            ).all()
            for t in fresh:
                if t.contribution_deadline <= now:
                    self.store.fail_task(s, t.task_id, wf.RECEIVED, wf.INITIALIZE_FAILED, "deadline over")
                else:
                    self.store.set_task_status(s, t.task_id, wf.RECEIVED, wf.INITIALIZING)
        with self.store.read() as s:
            pending = s.scalars(select(Task).where(Task.status == wf.INITIALIZING).order_by(Task.idx)).all()
        if not pending:
            return
        self.sender.wait_idle()  # a transaction of a previous run may still be in flight
        to_send = []
        for t in pending:
            chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
            if chain_task["status"] != C.TASK_UNSET:
                self._initialized(t.task_id, chain_task)
            else:
                to_send.append(t)
        for i in range(0, len(to_send), self.cfg.init_batch):
            self._send_initialize(to_send[i : i + self.cfg.init_batch])

    def _initialized(self, task_id: str, chain_task: dict, block: int = 0) -> None:
        with self.store.tx() as s:
            self.store.set_task_status(
                s, task_id, wf.INITIALIZING, wf.INITIALIZED, init_block=block or self.head_number
            )

    def _send_initialize(self, batch: list[Task]) -> None:
        deal_ids = [bytes.fromhex(t.deal_id[2:]) for t in batch]
        idxs = [t.idx for t in batch]
        if len(batch) == 1:
            fn = self.chain.hub.functions.initialize(deal_ids[0], idxs[0])
        else:
            fn = self.chain.hub.functions.initializeArray(deal_ids, idxs)
        receipt = self._send("initialize", [t.task_id for t in batch], fn)
        if receipt is None:
            if len(batch) > 1:  # find the culprit one by one next time
                for t in batch:
                    self._send_initialize([t])
            else:
                t = batch[0]
                chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
                if chain_task["status"] != C.TASK_UNSET:
                    self._initialized(t.task_id, chain_task)
                else:
                    with self.store.tx() as s:
                        self.store.fail_task(
                            s, t.task_id, wf.INITIALIZING, wf.INITIALIZE_FAILED, "initialize rejected"
                        )
            return
        for t in batch:
            chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
            self._initialized(t.task_id, chain_task, receipt["blockNumber"])

    def _send(self, kind: str, task_ids: list[str], fn):
        """Send one transaction with an outbox record; returns the receipt, or None when the contract refused it."""
        with self.store.tx() as s:
            rec = TxRecord(kind=kind, subject=",".join(task_ids), state="PREPARED")
            s.add(rec)
            s.flush()
            rec_id = rec.id

        def on_sent(tx_hash: str, nonce: int) -> None:
            with self.store.tx() as s:
                r = s.get(TxRecord, rec_id)
                r.state, r.tx_hash, r.nonce, r.updated_at = "SENT", tx_hash, nonce, time.time()
                for task_id in task_ids:
                    t = s.get(Task, task_id)
                    if t is not None:
                        t.tx_hash = tx_hash

        try:
            receipt = self.sender.send(
                fn, label=f"{kind} {','.join(t[:10] for t in task_ids)}", on_sent=on_sent
            )
        except TxReverted as exc:
            log.warning("%s refused for %s: %s", kind, task_ids, exc.reason)
            self._close_record(rec_id, "REVERTED", exc.reason)
            return None
        except TxError as exc:
            self._close_record(rec_id, "ERROR", str(exc))
            raise
        self._close_record(rec_id, "MINED")
        return receipt

    def _close_record(self, rec_id: int, state: str, error: str = "") -> None:
        with self.store.tx() as s:
            r = s.get(TxRecord, rec_id)
            r.state, r.error, r.updated_at = state, error[:500], time.time()

    # -- task manager ---------------------------------------------------------------------------------------------
    def update_task(self, task_id: str) -> None:
        with self.store.read() as s:
            t = s.get(Task, task_id)
            reps = s.scalars(select(Replicate).where(Replicate.task_id == task_id)).all()
        if t is None or t.status in wf.TASK_FINAL:
            return
        now = self.chain.chain_now()
        chain_task = self.chain.view_task(bytes.fromhex(task_id[2:]))
        cstatus = chain_task["status"]
        if cstatus == C.TASK_COMPLETED:
            return self._completed(t, reps, "completed on chain")
        if cstatus == C.TASK_FAILED:
            return self._failed(t, reps, None, "claimed on chain")
        if now >= t.final_deadline:  # not finalized on chain in time: nothing can complete it any more
            return self._failed(t, reps, wf.FINAL_DEADLINE_REACHED, "final deadline reached")
        self._sync_contributions(t, reps, chain_task)
        handler = {
            wf.INITIALIZED: self._on_running,
            wf.RUNNING: self._on_running,
            wf.CONSENSUS_REACHED: self._on_consensus,
            wf.AT_LEAST_ONE_REVEALED: self._on_revealed,
            wf.RESULT_UPLOADING: self._on_uploading,
            wf.RESULT_UPLOADED: self._on_uploaded,
            wf.FINALIZING: self._on_uploaded,
            wf.REOPENING: self._on_reopening,
            wf.REOPENED: self._on_reopening,
        }.get(t.status)
        if handler is not None:
            handler(t, chain_task, now)

    def _sync_contributions(self, t: Task, reps, chain_task: dict) -> None:
        """ContributionUnnotified / RevealUnnotified detector: fill in what the chain knows and the DB does not."""
        known = {r.worker: r for r in reps}
        for worker in chain_task["contributors"]:
            worker = to_checksum_address(worker)
            rep = known.get(worker)
            if rep is None:
                continue
            if rep.result_hash and rep.status != wf.CONTRIBUTED:
                continue
            contribution = self.chain.view_contribution(bytes.fromhex(t.task_id[2:]), worker)
            with self.store.tx() as s:
                if not rep.result_hash:
                    self._mark_contributed(
                        s, t.task_id, worker, hx(contribution["resultHash"]), self.head_number
                    )
                current = s.get(Replicate, (t.task_id, worker))
                if contribution["status"] == C.CONTRIBUTION_PROVED and current.status == wf.CONTRIBUTED:
                    self.store.set_replicate_status(
                        s, t.task_id, worker, wf.CONTRIBUTED, wf.REVEALED, "POOL_MANAGER", "seen on chain"
                    )

    def _on_running(self, t: Task, chain_task: dict, now: int) -> None:
        with self.store.tx() as s:
            if chain_task["status"] == C.TASK_REVEALING:
                self.store.set_task_status(
                    s,
                    t.task_id,
                    t.status,
                    wf.CONSENSUS_REACHED,
                    consensus=hx(chain_task["consensusValue"]),
                    reveal_deadline=chain_task["revealDeadline"],
                    consensus_block=t.consensus_block or self.head_number,
                )
                return
            if now >= t.contribution_deadline:
                self.store.fail_task(
                    s, t.task_id, t.status, wf.CONTRIBUTION_TIMEOUT, "contribution deadline over"
                )
                s.get(Task, t.task_id).claim_pending = True
                self._end_replicates(s, t.task_id, success=False)
                return
            if t.status == wf.INITIALIZED:
                started = s.scalars(
                    select(Replicate.worker).where(
                        Replicate.task_id == t.task_id,
                        Replicate.status.in_([wf.STARTED, wf.COMPUTED, wf.CONTRIBUTED, wf.REVEALED]),
                    )
                ).first()
                if started or chain_task["contributors"]:
                    self.store.set_task_status(s, t.task_id, wf.INITIALIZED, wf.RUNNING)

    def _on_consensus(self, t: Task, chain_task: dict, now: int) -> None:
        if chain_task["revealCounter"] > 0:
            with self.store.tx() as s:
                self.store.set_task_status(s, t.task_id, wf.CONSENSUS_REACHED, wf.AT_LEAST_ONE_REVEALED)
            self._elect_uploader(t.task_id)
            return
        if chain_task["revealDeadline"] and now >= chain_task["revealDeadline"]:
            if now + self.cfg.assign_margin >= t.contribution_deadline:
                return  # nobody could contribute after a reopen: let the final deadline fail it (claim)
            with self.store.tx() as s:
                if not self.store.set_task_status(
                    s, t.task_id, wf.CONSENSUS_REACHED, wf.REOPENING, "nobody revealed"
                ):
                    return
            self._on_reopening(
                self._reload(t.task_id), self.chain.view_task(bytes.fromhex(t.task_id[2:])), now
            )

    def _on_reopening(self, t: Task, chain_task: dict, now: int) -> None:
        if t.status == wf.REOPENING:
            if chain_task["status"] == C.TASK_REVEALING:
                self.sender.wait_idle()
                chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
            if chain_task["status"] == C.TASK_REVEALING:
                fn = self.chain.hub.functions.reopen(bytes.fromhex(t.task_id[2:]))
                if self._send("reopen", [t.task_id], fn) is None:
                    with self.store.tx() as s:
                        self.store.fail_task(s, t.task_id, wf.REOPENING, wf.REOPEN_FAILED, "reopen rejected")
                    return
            with self.store.tx() as s:
                self.store.set_task_status(s, t.task_id, wf.REOPENING, wf.REOPENED)
        with self.store.tx() as s:
            # The silent winners are out; their replicates fail (cause REVEAL_TIMEOUT).
            for rep in s.scalars(
                select(Replicate).where(Replicate.task_id == t.task_id, Replicate.result_hash == t.consensus)
            ).all():
                if wf.replicate_can_move(rep.status, wf.R_FAILED):
                    self.store.set_replicate_status(
                        s,
                        t.task_id,
                        rep.worker,
                        rep.status,
                        wf.R_FAILED,
                        "POOL_MANAGER",
                        wf.CAUSE_REVEAL_TIMEOUT,
                    )
            self.store.set_task_status(
                s,
                t.task_id,
                wf.REOPENED,
                wf.INITIALIZED,
                consensus=None,
                consensus_block=0,
                reveal_deadline=0,
            )

    def _elect_uploader(self, task_id: str, exclude: str | None = None) -> None:
        with self.store.tx() as s:
            t = s.get(Task, task_id)
            revealed = s.scalars(
                select(Replicate).where(Replicate.task_id == task_id, Replicate.status == wf.REVEALED)
            ).all()
            candidates = [r for r in revealed if r.worker != exclude]
            if not candidates:
                return
            chosen = random.choice(candidates)
            self.store.set_replicate_status(
                s, task_id, chosen.worker, wf.REVEALED, wf.RESULT_UPLOAD_REQUESTED, "POOL_MANAGER"
            )
            fields = {"uploader": chosen.worker, "upload_requested_at": time.time()}
            if t.status == wf.AT_LEAST_ONE_REVEALED:
                self.store.set_task_status(
                    s, task_id, wf.AT_LEAST_ONE_REVEALED, wf.RESULT_UPLOADING, **fields
                )
            else:
                for key, value in fields.items():
                    setattr(t, key, value)
            log.info("task %s: %s elected to upload the result", task_id, chosen.worker)

    def _on_revealed(self, t: Task, chain_task: dict, now: int) -> None:
        self._elect_uploader(t.task_id)

    def _on_uploading(self, t: Task, chain_task: dict, now: int) -> None:
        with self.store.read() as s:
            up = s.get(Replicate, (t.task_id, t.uploader)) if t.uploader else None
            stored = s.get(Result, t.task_id)
        if up is not None and up.status == wf.R_RESULT_UPLOADED and stored is not None:
            with self.store.tx() as s:
                self.store.set_task_status(
                    s,
                    t.task_id,
                    wf.RESULT_UPLOADING,
                    wf.RESULT_UPLOADED,
                    result_link=self.result_link(t.task_id),
                    callback_data=up.callback_data,
                )
            return self._on_uploaded(self._reload(t.task_id), chain_task, now)
        silent = time.time() - t.upload_requested_at > self.cfg.upload_timeout
        if (
            up is not None and not silent
        ):  # an uploader that stopped pinging will not upload: pick another now
            with self.store.read() as s:
                worker = s.get(Worker, up.worker)
            silent = worker is None or worker.last_alive < time.time() - self.cfg.worker_lost_after
        gone = up is None or up.status in (wf.WORKER_LOST, wf.R_FAILED, wf.ABORTED, wf.RESULT_UPLOAD_FAILED)
        if gone or silent:
            if up is not None and wf.replicate_can_move(up.status, wf.RESULT_UPLOAD_FAILED):
                with self.store.tx() as s:
                    self.store.set_replicate_status(
                        s,
                        t.task_id,
                        up.worker,
                        up.status,
                        wf.RESULT_UPLOAD_FAILED,
                        "POOL_MANAGER",
                        "upload timeout",
                    )
            self._elect_uploader(t.task_id, exclude=t.uploader)

    def _on_uploaded(self, t: Task, chain_task: dict, now: int) -> None:
        """Finalize once the chain allows it: all winners revealed, or >= 1 revealed and the reveal deadline over."""
        if chain_task["status"] != C.TASK_REVEALING:
            return
        ready = chain_task["revealCounter"] == chain_task["winnerCounter"] or (
            chain_task["revealCounter"] > 0 and now >= chain_task["revealDeadline"]
        )
        if not ready or now >= chain_task["finalDeadline"]:
            return
        if t.status == wf.RESULT_UPLOADED:
            with self.store.tx() as s:
                if not self.store.set_task_status(s, t.task_id, wf.RESULT_UPLOADED, wf.FINALIZING):
                    return
        self.sender.wait_idle()
        chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
        if chain_task["status"] == C.TASK_COMPLETED:
            return self._completed(self._reload(t.task_id), None, "finalized")
        if chain_task["status"] != C.TASK_REVEALING:
            return
        results = json.dumps({"storage": "scheduler", "location": f"/results/{t.task_id}"}).encode()
        callback = b""
        if int(t.callback, 16) != 0:
            callback = self._callback_data(t, bytes(chain_task["resultDigest"]))
        fn = self.chain.hub.functions.finalize(bytes.fromhex(t.task_id[2:]), results, callback)
        receipt = self._send("finalize", [t.task_id], fn)
        if receipt is None:
            chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
            if chain_task["status"] == C.TASK_COMPLETED:
                return self._completed(self._reload(t.task_id), None, "finalized")
            if chain_task["status"] == C.TASK_REVEALING and now < chain_task["finalDeadline"]:
                return  # e.g. reveal window still open: try again later
            with self.store.tx() as s:
                self.store.fail_task(s, t.task_id, wf.FINALIZING, wf.FINALIZE_FAILED, "finalize rejected")
            return
        self._completed(self._reload(t.task_id), None, "finalized")

    def _callback_data(self, t: Task, digest: bytes) -> bytes:
        """The bytes for the deal's callback: reported by the uploader, else read from computed.json in the
        uploaded archive; only bytes whose keccak is the revealed digest are used (the contract checks it too)."""
        candidates = []
        if t.callback_data:
            candidates.append(bytes.fromhex(t.callback_data.removeprefix("0x")))
        with self.store.read() as s:
            stored = s.get(Result, t.task_id)
        if stored is not None:
            candidates.append(callback_from_archive(Path(self.cfg.results_dir) / stored.sha256))
        for data in candidates:
            if data is not None and keccak(data) == digest:
                return data
        return b""

    def _completed(self, t: Task, reps, cause: str) -> None:
        with self.store.tx() as s:
            if t.status != wf.FINALIZED and not self.store.set_task_status(
                s, t.task_id, t.status, wf.FINALIZED, cause
            ):
                return
            self.store.set_task_status(s, t.task_id, wf.FINALIZED, wf.COMPLETED, cause)
            self._end_replicates(s, t.task_id, success=True)
        log.info("task %s completed", t.task_id)

    def _failed(self, t: Task, reps, error: str | None, cause: str) -> None:
        with self.store.tx() as s:
            if error and wf.task_can_move(t.status, error):
                self.store.fail_task(s, t.task_id, t.status, error, cause)
            elif wf.task_can_move(t.status, wf.FAILED):
                self.store.set_task_status(s, t.task_id, t.status, wf.FAILED, cause)
            else:
                self.store.fail_task(s, t.task_id, t.status, wf.FINAL_DEADLINE_REACHED, cause)
            s.get(Task, t.task_id).claim_pending = error is not None  # not when the chain already says FAILED
            self._end_replicates(s, t.task_id, success=False)
        log.info("task %s failed: %s", t.task_id, cause)

    def _end_replicates(self, s, task_id: str, success: bool) -> None:
        """Free every worker from an ended task: winners complete, the others fail or abort."""
        consensus = s.get(Task, task_id).consensus
        for rep in s.scalars(select(Replicate).where(Replicate.task_id == task_id)).all():
            if rep.status in wf.REPLICATE_FINAL:
                continue
            if success and rep.status in (wf.REVEALED, wf.RESULT_UPLOAD_REQUESTED, wf.R_RESULT_UPLOADED):
                new = wf.R_COMPLETED
            elif rep.result_hash and rep.result_hash != consensus:
                new = wf.R_FAILED
            elif rep.status in wf.REPLICATE_PENDING or rep.status == wf.WORKER_LOST:
                new = wf.ABORTED if wf.replicate_can_move(rep.status, wf.ABORTED) else wf.R_FAILED
            else:
                new = wf.R_FAILED
            if wf.replicate_can_move(rep.status, new):
                self.store.set_replicate_status(
                    s, task_id, rep.worker, rep.status, new, "POOL_MANAGER", "task ended"
                )

    def _reload(self, task_id: str) -> Task:
        with self.store.read() as s:
            return s.get(Task, task_id)

    def result_link(self, task_id: str) -> str:
        return json.dumps({"storage": "scheduler", "location": f"/results/{task_id}"})

    # -- assignment (called by the API) ---------------------------------------------------------------------------
    def worker_weight(self, wallet: str) -> int:
        cached = self._scores.get(wallet)
        if cached and time.monotonic() - cached[0] < 30:
            return cached[1]
        weight = worker_weight(self.chain.view_score(wallet))
        self._scores[wallet] = (time.monotonic(), weight)
        return weight

    def assign(self, wallet: str) -> dict | None:
        """Pull model: give this worker the most urgent task that still needs a contributor, or None."""
        now = self.chain.chain_now()
        with self.lock:
            with self.store.read() as s:
                worker = s.get(Worker, wallet)
                if worker is None or not worker.registered:
                    return None
                busy = s.scalar(
                    select(func.count())
                    .select_from(Replicate)
                    .join(Task, Task.task_id == Replicate.task_id)
                    .where(
                        Replicate.worker == wallet,
                        Replicate.status.in_(wf.REPLICATE_BUSY),
                        Task.status.not_in(wf.TASK_FINAL),
                    )
                )
                if busy >= max(worker.cpu_count, 1):
                    return None  # every slot taken
                candidates = s.scalars(
                    select(Task)
                    .where(
                        Task.status.in_(wf.TASK_ASSIGNABLE),
                        Task.contribution_deadline > now + self.cfg.assign_margin,
                    )
                    .order_by((Task.status != wf.RUNNING), Task.contribution_deadline, Task.idx)
                ).all()
            for t in candidates:
                offer = self._try_assign(t, wallet)
                if offer is not None:
                    return offer
        return None

    def _try_assign(self, t: Task, wallet: str) -> dict | None:
        with self.store.read() as s:
            reps = s.scalars(select(Replicate).where(Replicate.task_id == t.task_id)).all()
        if any(r.worker == wallet for r in reps):
            return None
        fresh_after = time.time() - max(t.timeref, 60)
        # Rejected contributions (silent winners after a reopen) no longer count on chain.
        contributed = [(r.result_hash, r.weight) for r in reps if r.result_hash and r.status != wf.R_FAILED]
        pending = [
            r.weight
            for r in reps
            if not r.result_hash and r.status in wf.REPLICATE_PENDING and r.created_at > fresh_after
        ]
        if not needs_more_workers(t.trust, contributed, pending):
            return None
        chain_task = self.chain.view_task(bytes.fromhex(t.task_id[2:]))
        if chain_task["status"] != C.TASK_ACTIVE or len(chain_task["contributors"]) >= C.MAX_CONTRIBUTORS:
            return None
        weight = self.worker_weight(wallet)
        with self.store.tx() as s:
            if not self.store.add_replicate(s, t.task_id, wallet, weight):
                return None  # given to this worker meanwhile (another process sharing the database)
        log.info("task %s given to %s", t.task_id, wallet)
        return self.offer(t, wallet)

    def offer(self, t: Task, wallet: str) -> dict:
        sign = hashing.sign_authorization(self.key, wallet, t.task_id, t.enclave_challenge)
        return {
            "taskId": t.task_id,
            "dealId": t.deal_id,
            "taskIndex": t.idx,
            "enclaveChallenge": t.enclave_challenge,
            "authorizationSign": "0x" + sign.hex(),
            "app": json.loads(t.app),
            "dataset": json.loads(t.dataset),
            "params": t.params,
            "botFirst": t.bot_first,
            "botSize": t.bot_size,
            "timeref": t.timeref,
            "contributionDeadline": t.contribution_deadline,
            "finalDeadline": t.final_deadline,
            "callback": t.callback,
        }
