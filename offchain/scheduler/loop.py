"""The scheduler: its parts wired together and the loop that runs them (one tick per poll interval, or at once
after a worker report)."""

from __future__ import annotations

import logging
import threading

from eth_utils import to_checksum_address

from offchain.chain.client import ChainClient
from offchain.chain.tx import TxSender
from offchain.scheduler.assignment import Assigner
from offchain.scheduler.clock import Clock
from offchain.scheduler.config import Config
from offchain.scheduler.lifecycle import TaskLifecycle
from offchain.scheduler.outbox import Outbox
from offchain.scheduler.reports import Reports
from offchain.scheduler.results import ResultStore
from offchain.scheduler.store import Store
from offchain.scheduler.watcher import ChainWatcher

log = logging.getLogger("scheduler")


class Scheduler:
    def __init__(
        self,
        cfg: Config,
        store: Store,
        chain: ChainClient,
        sender: TxSender | None,
        clock: Clock | None = None,
    ):
        self.cfg = cfg
        self.store = store
        self.chain = chain
        self.sender = sender
        self.clock = clock or store.clock
        self.pool = to_checksum_address(cfg.workerpool)
        self.head_number = 0
        self.last_head_ok = float("-inf")
        self.metrics = {"ticks": 0, "deals_seen": 0, "tasks_created": 0, "events_applied": 0, "errors": 0}
        self.lock = threading.RLock()  # one engine step or one assignment at a time
        self._stop = threading.Event()
        self._wake = threading.Event()  # set after a worker report: run the next tick at once

        def head() -> int:
            return self.head_number

        self.results = ResultStore(cfg.results_dir, store, self.clock)
        self.watcher = ChainWatcher(cfg, store, chain, self.metrics)
        self.outbox = Outbox(store, chain, sender, self.clock, head, cfg.init_batch)
        self.lifecycle = TaskLifecycle(cfg, store, chain, self.outbox, self.results, self.clock, head)
        self.assigner = Assigner(cfg, store, chain, self.clock, self.lock)
        self.reports = Reports(cfg, store, chain, self.results, self.clock, self.poke)

    def healthy(self) -> bool:
        """The chain node answered recently (the API refuses work while it does not)."""
        return self.clock.monotonic() - self.last_head_ok < max(15.0, 10 * self.cfg.poll_interval)

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
        self.head_number = self.chain.head().number
        self.last_head_ok = self.clock.monotonic()
        with self.lock:
            self.metrics["events_applied"] += self.watcher.poll()
            self.lifecycle.detectors.lost_workers()
            self.outbox.initialize_tasks()
            self.lifecycle.update_all()
            self.outbox.claim_expired()
        self.metrics["ticks"] += 1
