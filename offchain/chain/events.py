"""LogFollower: `eth_getLogs` from a persisted cursor, with confirmations, applied in the cursor's DB transaction.

Never trusts node-side filters (they die with the node): each poll scans `[cursor, min(cursor+batch-1, head-conf)]`,
decodes the logs with the ABI, hands each to `apply(session, event)` in block/log order and stores the new cursor in the
same transaction, so a crash either keeps both the effects and the cursor, or neither. `apply` must be idempotent
(a log can be seen twice if the cursor write is lost with its effects... which cannot happen, but handlers that run
on already-known state, e.g. after a restore, stay harmless).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from eth_utils import event_abi_to_log_topic, to_checksum_address
from sqlalchemy import BigInteger, Column, MetaData, String, Table, select
from web3 import Web3
from web3._utils.events import get_event_data

log = logging.getLogger(__name__)


def cursor_table(metadata: MetaData) -> Table:
    """The `chain_cursors` table (name -> next block to scan), created on the caller's metadata."""
    if "chain_cursors" in metadata.tables:
        return metadata.tables["chain_cursors"]
    return Table(
        "chain_cursors",
        metadata,
        Column("name", String(64), primary_key=True),
        Column("next_block", BigInteger, nullable=False),
    )


@dataclass(frozen=True)
class Event:
    name: str
    args: dict
    address: str
    block_number: int
    log_index: int
    tx_hash: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


def topic_of_address(address: str) -> str:
    return "0x" + "00" * 12 + to_checksum_address(address)[2:].lower()


class LogFollower:
    def __init__(
        self,
        w3: Web3,
        name: str,
        address: str,
        abi: list,
        event_names: list[str],
        cursors: Table,
        *,
        extra_topics: list | None = None,
        confirmations: int = 0,
        batch_size: int = 1000,
        start_block: int = 0,
    ):
        self.w3 = w3
        self.name = name
        self.address = to_checksum_address(address)
        self.cursors = cursors
        self.confirmations = confirmations
        self.batch_size = batch_size
        self.start_block = start_block
        self.events: dict[bytes, dict] = {}
        for entry in abi:
            if entry.get("type") == "event" and entry["name"] in event_names:
                self.events[event_abi_to_log_topic(entry)] = entry
        missing = set(event_names) - {e["name"] for e in self.events.values()}
        if missing:
            raise ValueError(f"events not in the ABI: {sorted(missing)}")
        topic0 = ["0x" + t.hex() for t in self.events]
        self.topics = [topic0 if len(topic0) > 1 else topic0[0], *(extra_topics or [])]

    # -- cursor ---------------------------------------------------------------------------------------------------
    def load_cursor(self, session) -> int:
        row = session.execute(
            select(self.cursors.c.next_block).where(self.cursors.c.name == self.name)
        ).first()
        # Start at max(configured start, stored cursor) so a restart never replays from 0 (iexec-core#345).
        return max(self.start_block, row[0]) if row else self.start_block

    def save_cursor(self, session, next_block: int) -> None:
        updated = session.execute(
            self.cursors.update().where(self.cursors.c.name == self.name).values(next_block=next_block)
        ).rowcount
        if not updated:
            session.execute(self.cursors.insert().values(name=self.name, next_block=next_block))

    # -- scanning -------------------------------------------------------------------------------------------------
    def fetch(self, from_block: int, to_block: int) -> list[Event]:
        raw = self.w3.eth.get_logs(
            {
                "address": self.address,
                "topics": self.topics,
                "fromBlock": from_block,
                "toBlock": to_block,
            }
        )
        out = []
        for entry in raw:
            abi = self.events.get(bytes(entry["topics"][0]))
            if abi is None:
                continue
            data = get_event_data(self.w3.codec, abi, entry)
            out.append(
                Event(
                    name=data["event"],
                    args=dict(data["args"]),
                    address=entry["address"],
                    block_number=entry["blockNumber"],
                    log_index=entry["logIndex"],
                    tx_hash="0x" + bytes(entry["transactionHash"]).hex(),
                )
            )
        out.sort(key=lambda e: e.key)
        return out

    def poll(
        self,
        transaction: Callable[[], AbstractContextManager],
        apply: Callable[[object, Event], None],
        max_rounds: int = 20,
    ) -> int:
        """Scan up to the confirmed head; returns the number of events applied."""
        applied = 0
        safe_head = self.w3.eth.block_number - self.confirmations
        for _ in range(max_rounds):
            with transaction() as session:
                start = self.load_cursor(session)
            if start > safe_head:
                break
            end = min(start + self.batch_size - 1, safe_head)
            try:
                events = self.fetch(start, end)
            except Exception as exc:
                if self.batch_size > 1 and _looks_like_range_limit(exc):
                    self.batch_size = max(1, self.batch_size // 2)  # provider limit: shrink and retry
                    log.info("%s: shrinking log batch to %d", self.name, self.batch_size)
                    continue
                raise
            with transaction() as session:
                if self.load_cursor(session) != start:
                    continue  # someone else advanced it meanwhile
                for event in events:
                    apply(session, event)
                self.save_cursor(session, end + 1)
            applied += len(events)
        return applied


def _looks_like_range_limit(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("range", "limit", "too many", "exceed", "10000", "timeout"))
