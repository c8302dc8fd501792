"""The worker's main loop: ping, ask for work, compute in threads, and follow the scheduler's next actions.

One thread (this loop) does all HTTP calls, transactions and state writes, in order; app runs happen in a pool of
``cpus`` threads. Every step is driven by the local state (state.py), so after a crash the same loop resumes: a task
with a stored digest is not recomputed, a stored tx hash is not re-sent (the chain is read first), and waiting tasks
simply re-report their status, whose 208 reply carries the scheduler's current next action.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils import keccak

from offchain.protocol import hashing
from offchain.protocol import workflow as wf

from . import runner
from . import state as st
from .chain_actions import CannotContribute
from .client import SchedulerError, SchedulerUnavailable
from .containers import DockerConfig

log = logging.getLogger(__name__)


@dataclass
class WorkerConfig:
    workdir: Path
    name: str = "worker"
    cpus: int = 1
    ping_period: float = 5.0
    ask_period: float | None = None  # None: use the scheduler's askForWorkPeriod
    poll_period: float = 1.0  # how often a waiting task re-reports its status
    deposit_amount: int = 0  # nRLC to deposit when the stake is too low (0: never deposit)
    allow_unsandboxed: bool = True
    docker: DockerConfig | None = None  # run apps in Docker (an engine answered at start); None: bubblewrap
    fault: str | None = None  # test hooks: "wrong-result" (contributes a wrong digest)
    keep_files: bool = False
    extra: dict = field(default_factory=dict)


class Worker:
    def __init__(self, config: WorkerConfig, client, chain):
        self.cfg = config
        self.client = client
        self.chain = chain  # WorkerChain (or a fake in unit tests)
        self.address = chain.address
        self.state = st.WorkerState(Path(config.workdir) / "worker.sqlite")
        self.pool = ThreadPoolExecutor(max_workers=max(1, config.cpus), thread_name_prefix="compute")
        self.computing: dict[str, Future] = {}
        self.sched_config: dict = {}
        self.session: str | None = None
        self._last_ping = 0.0
        self._last_ask = 0.0
        self._last_poll: dict[str, float] = {}
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
        log.info(
            "worker %s ready (pool %s, %d cpu)",
            self.address,
            self.sched_config.get("workerpool"),
            self.cfg.cpus,
        )

    def recover(self) -> None:
        """Resume from local state, then apply what the scheduler says about each interrupted task."""
        for task in self.state.active():
            if task["status"] == st.ASSIGNED:
                continue  # STARTED not yet accepted: the loop reports it
            log.info("resuming task %s at %s", task["task_id"], task["status"])
        try:
            notices = self.client.interrupted()
        except SchedulerError as exc:
            log.warning("cannot list interrupted tasks: %s", exc)
            return
        for notice in notices:
            task = self.state.get(notice["taskId"])
            if task is None or task["status"] in st.FINAL:
                continue
            self.act(task["task_id"], notice["nextAction"], notice.get("extra") or {})

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
        self._collect_computes()
        for task in self.state.active():
            self._advance(task)
        if len(self.computing) < self.cfg.cpus and now - self._last_ask >= (self.cfg.ask_period or 2):
            self._last_ask = now
            self._ask_for_work()

    def _ask_for_work(self) -> None:
        assignment = self.client.available(max(1, self.chain.client.w3.eth.block_number))
        if not assignment:
            return
        task_id = assignment["taskId"].lower()
        if not self.state.add(assignment):
            return
        log.info(
            "got task %s (deal %s, index %s)", task_id, assignment.get("dealId"), assignment.get("taskIndex")
        )
        try:
            self.chain.verify_authorization(assignment, self.sched_config["workerpool"])
        except CannotContribute as exc:
            log.error("refusing task %s: %s", task_id, exc)
            self.state.update(task_id, st.ABORTED, error=str(exc))
            self._report(task_id, wf.ABORTED, {"error": str(exc)})
            return
        self._report(task_id, wf.STARTED)

    def _advance(self, task: dict) -> None:
        """Poll the scheduler for tasks that wait on it; everything else moves on its own."""
        task_id, status = task["task_id"], task["status"]
        if status == st.ASSIGNED:
            self._report(task_id, wf.STARTED)
        elif status == st.STARTED and task_id not in self.computing and task["digest"] is None:
            self._start_compute(task)
        elif status == st.CONTRIBUTING:
            self._contribute(task)  # re-checks the chain: never double-sends
        elif status == st.REVEALING:
            self._reveal(task)
        elif status in (st.COMPUTED, st.CONTRIBUTED, st.REVEALED, st.UPLOADED):
            now = time.monotonic()
            if now - self._last_poll.get(task_id, 0.0) >= self.cfg.poll_period:
                self._last_poll[task_id] = now
                self._report(task_id, st.REPORT_FOR[status])

    # -- reports and actions --------------------------------------------------------------------------------------
    def _report(self, task_id: str, status: str, details: dict | None = None) -> None:
        try:
            code, action, extra = self.client.update_status(task_id, status, details)
        except SchedulerError as exc:
            if exc.status == 404:
                log.warning("scheduler does not know task %s any more: dropping it", task_id)
                self._finish(task_id, st.ABORTED, str(exc))
                return
            log.warning("report %s for %s refused: %s", status, task_id, exc)
            return
        if status == wf.STARTED:
            task = self.state.get(task_id)
            if task and task["status"] == st.ASSIGNED:
                self.state.update(task_id, st.STARTED)
        self.act(task_id, action, extra)

    def act(self, task_id: str, action: str, extra: dict) -> None:
        task = self.state.get(task_id)
        if task is None or task["status"] in st.FINAL:
            return
        if task["last_action"] != action:
            log.info("task %s: %s %s", task_id[:10], action, extra or "")
            self.state.update(task_id, last_action=action)
        if action == wf.PLEASE_CONTINUE:
            if task["status"] == st.ASSIGNED:
                self.state.update(task_id, st.STARTED)
            if task["digest"] is None and task_id not in self.computing:
                self._start_compute(self.state.get(task_id))
        elif action == wf.PLEASE_CONTRIBUTE:
            if task["digest"] is None:
                if task_id not in self.computing:
                    self._start_compute(task)
            elif task["status"] in (st.STARTED, st.COMPUTED, st.CONTRIBUTING):
                self._contribute(task)
        elif action == wf.PLEASE_REVEAL:
            if task["status"] in (st.CONTRIBUTED, st.REVEALING, st.CONTRIBUTING):
                self._reveal(self.state.get(task_id))
        elif action == wf.PLEASE_UPLOAD:
            if task["status"] in (st.REVEALED, st.REVEALING, st.UPLOADED):
                self._upload(task)
        elif action == wf.PLEASE_COMPLETE:
            self._finish(task_id, st.DONE)
        elif action == wf.PLEASE_ABORT:
            self._finish(task_id, st.ABORTED, (extra or {}).get("cause", "aborted by the scheduler"))

    # -- steps ----------------------------------------------------------------------------------------------------
    def _start_compute(self, task: dict) -> None:
        assignment = task["assignment"]
        base = self.sched_config.get("resultStoreUrl") or getattr(self.client, "base_url", None)
        self.computing[task["task_id"]] = self.pool.submit(
            runner.compute, self.cfg.workdir, assignment, self.cfg.allow_unsandboxed, base, self.cfg.docker
        )

    def _collect_computes(self) -> None:
        for task_id, fut in list(self.computing.items()):
            if not fut.done():
                continue
            del self.computing[task_id]
            task = self.state.get(task_id)
            if task is None or task["status"] in st.FINAL:
                continue
            try:
                outcome = fut.result()
            except Exception as exc:  # the runner itself broke (disk, sandbox): cannot give a digest
                log.exception("compute of %s failed", task_id)
                self.state.update(task_id, error=str(exc))
                self._report(task_id, wf.COMPUTE_FAILED, {"error": f"{type(exc).__name__}: {exc}"})
                continue
            digest = outcome.digest
            if self.cfg.fault == "wrong-result":
                digest = keccak(digest + b"wrong")  # test hook: a dishonest / broken worker
            self.state.update(task_id, st.COMPUTED, digest="0x" + digest.hex())
            res_hash = "0x" + hashing.result_hash(task_id, digest).hex()
            self._report(task_id, wf.COMPUTED, {"resultHash": res_hash})

    def _contribute(self, task: dict) -> None:
        task_id = task["task_id"]
        digest = bytes.fromhex(task["digest"][2:])
        try:
            assignment = task["assignment"]
            if self.cfg.deposit_amount or True:
                self.chain.ensure_stake(
                    self.chain.worker_stake_of(assignment["dealId"]), self.cfg.deposit_amount
                )
            self.state.update(task_id, st.CONTRIBUTING)
            res = self.chain.contribute(
                assignment, digest, on_sent=lambda h, _n: self.state.update(task_id, contribute_tx=h)
            )
        except CannotContribute as exc:
            self._fail(task_id, wf.CONTRIBUTE_FAILED, str(exc))
            return
        except Exception as exc:  # TxReverted / TxError: readable reason from the chain layer
            log.warning("contribute %s failed: %s", task_id, exc)
            self._fail(task_id, wf.CONTRIBUTE_FAILED, str(exc))
            return
        tx = res["txHash"] or task.get("contribute_tx")
        self.state.update(task_id, st.CONTRIBUTED, result_hash=res["resultHash"], contribute_tx=tx)
        self._report(task_id, wf.CONTRIBUTED, {"txHash": tx, "resultHash": res["resultHash"]})

    def _reveal(self, task: dict) -> None:
        task_id = task["task_id"]
        digest = bytes.fromhex(task["digest"][2:])
        try:
            self.state.update(task_id, st.REVEALING)
            res = self.chain.reveal(
                task["assignment"], digest, on_sent=lambda h, _n: self.state.update(task_id, reveal_tx=h)
            )
        except Exception as exc:
            log.warning("reveal %s failed: %s", task_id, exc)
            self._fail(task_id, wf.REVEAL_FAILED, str(exc))
            return
        tx = res["txHash"] or task.get("reveal_tx")
        self.state.update(task_id, st.REVEALED, reveal_tx=tx)
        self._report(task_id, wf.REVEALED, {"txHash": tx, "resultDigest": task["digest"]})

    def _upload(self, task: dict) -> None:
        task_id = task["task_id"]
        zip_path = runner.task_dir(self.cfg.workdir, task_id) / "output" / "iexec_out.zip"
        if not zip_path.is_file():
            self._fail(task_id, wf.ABORTED, "the result archive is gone (local files lost)")
            return
        try:
            stored = self.client.upload_result(task_id, zip_path.read_bytes(), task["digest"])
        except SchedulerError as exc:
            log.warning("upload of %s refused: %s", task_id, exc)
            return
        # The same JSON the scheduler puts in finalize(results).
        link = json.dumps(
            {"storage": "scheduler", "location": stored.get("location") or f"/results/{task_id}"}
        )
        self.state.update(task_id, st.UPLOADED, result_link=link)
        self._report(task_id, "RESULT_UPLOADED", {"resultLink": link})

    def _fail(self, task_id: str, status: str, reason: str) -> None:
        self.state.update(task_id, error=reason)
        self._report(task_id, status, {"error": reason})
        task = self.state.get(task_id)
        if (
            task
            and task["status"] not in st.FINAL
            and status in (wf.CONTRIBUTE_FAILED, wf.REVEAL_FAILED, wf.ABORTED)
        ):
            self._finish(task_id, st.ABORTED, reason)

    def _finish(self, task_id: str, status: str, reason: str | None = None) -> None:
        fut = self.computing.pop(task_id, None)
        if fut is not None:
            fut.cancel()
        self.state.update(task_id, status, error=reason)
        self._last_poll.pop(task_id, None)
        if not self.cfg.keep_files:
            shutil.rmtree(runner.task_dir(self.cfg.workdir, task_id), ignore_errors=True)
        log.info(
            "task %s %s%s",
            task_id[:10],
            "completed" if status == st.DONE else "aborted",
            f" ({reason})" if reason else "",
        )

    def stop(self) -> None:
        self.stop_event.set()
