"""The outbox: every transaction the scheduler sends, recorded before it leaves (`transactions` table), and the two
batch jobs that are only sends: initialize new tasks, claim failed ones.

Before a send the TxSender waits until none of our transactions is in flight and preflights with eth_estimateGas,
so no transaction the contract would reject is ever broadcast; each job first re-reads the chain, so a restart
(even after SIGKILL) never sends what an earlier run already got mined.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from offchain.chain.client import ChainClient
from offchain.chain.errors import TxError, TxReverted
from offchain.chain.tx import TxSender
from offchain.protocol import constants as C
from offchain.protocol import deadlines
from offchain.protocol.statuses import TaskStatus as T
from offchain.scheduler.clock import Clock
from offchain.scheduler.store import Store, Task
from offchain.scheduler.store import queries as q

log = logging.getLogger("scheduler")


class Outbox:
    def __init__(
        self,
        store: Store,
        chain: ChainClient,
        sender: TxSender,
        clock: Clock,
        head_number: Callable[[], int],
        init_batch: int = 16,
    ):
        self.store = store
        self.chain = chain
        self.sender = sender
        self.clock = clock
        self.head_number = head_number
        self.init_batch = init_batch

    def wait_idle(self) -> None:
        """Until none of our transactions is pending (one of a previous run may still be in flight)."""
        self.sender.wait_idle()

    def send(self, kind: str, task_ids: list[str], fn):
        """Send one transaction with its outbox record; returns the receipt, or None when the contract refused it."""
        with self.store.tx() as s:
            rec_id = q.open_tx_record(s, kind, task_ids, self.clock.time())

        def on_sent(tx_hash: str, nonce: int) -> None:
            with self.store.tx() as s:
                q.mark_tx_sent(s, rec_id, task_ids, tx_hash, nonce, self.clock.time())

        try:
            receipt = self.sender.send(
                fn, label=f"{kind} {','.join(t[:10] for t in task_ids)}", on_sent=on_sent
            )
        except TxReverted as exc:
            log.warning("%s refused for %s: %s", kind, task_ids, exc.reason)
            self._close(rec_id, "REVERTED", exc.reason)
            return None
        except TxError as exc:
            self._close(rec_id, "ERROR", str(exc))
            raise
        self._close(rec_id, "MINED")
        return receipt

    def _close(self, rec_id: int, state: str, error: str = "") -> None:
        with self.store.tx() as s:
            q.close_tx_record(s, rec_id, state, error, self.clock.time())

    # -- initialize -----------------------------------------------------------------------------------------------
    def initialize_tasks(self) -> None:
        """RECEIVED tasks move to INITIALIZING (or fail when too late); INITIALIZING ones are initialized on chain in
        batches, unless the chain already has them."""
        now = self.chain.chain_now()
        with self.store.tx() as s:
            for t in q.tasks_to_initialize(s):
                if deadlines.is_open(t.contribution_deadline, now):
                    self.store.set_task_status(s, t.task_id, T.RECEIVED, T.INITIALIZING)
                else:
                    self.store.fail_task(s, t.task_id, T.RECEIVED, T.INITIALIZE_FAILED, "deadline over")
        with self.store.read() as s:
            pending = q.tasks_initializing(s)
        if not pending:
            return
        self.wait_idle()
        to_send = [t for t in pending if not self._already_initialized(t.task_id)]
        for i in range(0, len(to_send), self.init_batch):
            self._send_initialize(to_send[i : i + self.init_batch])

    def _already_initialized(self, task_id: str) -> bool:
        if self.chain.view_task(task_id)["status"] == C.TASK_UNSET:
            return False
        self._initialized(task_id)
        return True

    def _initialized(self, task_id: str, block: int = 0) -> None:
        with self.store.tx() as s:
            self.store.set_task_status(
                s, task_id, T.INITIALIZING, T.INITIALIZED, init_block=block or self.head_number()
            )

    def _send_initialize(self, batch: list[Task]) -> None:
        fn = self.chain.initialize_tx([t.deal_id for t in batch], [t.idx for t in batch])
        receipt = self.send("initialize", [t.task_id for t in batch], fn)
        if receipt is not None:
            for t in batch:
                self._initialized(t.task_id, receipt["blockNumber"])
        elif len(batch) > 1:  # find the culprit one by one
            for t in batch:
                self._send_initialize([t])
        elif not self._already_initialized(batch[0].task_id):
            with self.store.tx() as s:
                self.store.fail_task(
                    s, batch[0].task_id, T.INITIALIZING, T.INITIALIZE_FAILED, "initialize rejected"
                )

    # -- claims ---------------------------------------------------------------------------------------------------
    def claim_expired(self) -> None:
        """Failed tasks still ACTIVE/REVEALING on chain past their final deadline: claim them (requester refunded,
        workers' stakes unlocked), in batches. Anyone may claim; the pool does it so nobody's funds stay locked."""
        with self.store.read() as s:
            due = q.task_ids_to_claim(s, self.chain.chain_now())
        if not due:
            return
        self.wait_idle()
        claimable, settled = [], []
        for task_id in due:
            status = self.chain.view_task(task_id)["status"]
            (claimable if status in (C.TASK_ACTIVE, C.TASK_REVEALING) else settled).append(task_id)
        if claimable and self.send("claim", claimable, self.chain.claim_tx(claimable)) is not None:
            settled += claimable
        with self.store.tx() as s:
            q.set_claim_pending(s, settled, False)
