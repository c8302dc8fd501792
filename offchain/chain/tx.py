"""Transaction sender: one wallet, a nonce manager that trusts the chain, preflight, bounded waits, readable reverts.

Every transaction is first estimated (`eth_estimateGas`): a call the contract would reject raises `TxReverted` with
the decoded custom error and nothing is sent, so callers never pay for (or double-send) a doomed transaction.
Sends are serialized per sender so nonces never collide between threads.

Nodes lose transactions: a node restarted from a state dump forgets the last blocks, a restarted node forgets its
pool. So the sender keeps every transaction it signed (until buried `keep_depth` blocks deep) and, before each
send and while waiting, asks the node whether it still knows them: a forgotten one is broadcast again (the same
signed bytes, so the same nonce and hash), one stuck in the pool for `replace_after` seconds is replaced with
higher fees. The next nonce is the chain's pending count, skipping only nonces of our own transactions the node
still holds: a nonce the chain would never reach (a gap) is never used.
Waits are bounded: `submit` returns a `TxHandle` at once, `handle.wait(timeout)` raises `TxPending` (carrying the
handle, still pollable) instead of blocking, and `send` is `submit` + `wait(receipt_timeout)`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError

from offchain.chain.errors import (
    NodeUnavailable,
    TxError,
    TxPending,
    TxReverted,
    decode_revert,
    describe,
    revert_data_from,
)

log = logging.getLogger(__name__)

_TRANSIENT = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
PENDING, MINED, FAILED = "PENDING", "MINED", "FAILED"
_MAX_TRACKED = 512


class _NonceTaken(TxError):
    """The node already has a transaction at this nonce (mined, or in the pool and not ours to replace)."""


@dataclass(eq=False)
class TxHandle:
    """One transaction of a `TxSender`: poll it, or wait for it with a bound."""

    sender: TxSender
    nonce: int
    label: str
    tx: dict  # the latest version sent (fees change when it is replaced)
    raw: bytes
    tx_hash: str
    hashes: list[str] = field(
        default_factory=list
    )  # every version broadcast: any of them may be the one mined
    sent_at: float = 0.0  # monotonic time of the last broadcast of this nonce
    checked_at: float = float("-inf")  # last time we asked the node whether it still knows it
    state: str = PENDING
    receipt: dict | None = None
    error: TxError | None = None
    uncertain: bool = False  # the broadcast failed: the caller was told so, the node may still have it

    @property
    def done(self) -> bool:
        return self.state != PENDING

    def poll(self) -> dict | None:
        """One look, never blocking: the receipt once mined, None while pending; raises TxReverted/TxError if it
        failed. Re-sends it if the node forgot it, replaces it if it is stuck."""
        return self.sender._poll(self)

    def wait(self, timeout: float | None = None) -> dict:
        """Poll until mined, at most `timeout` seconds (the sender's `receipt_timeout` by default)."""
        return self.sender._wait(self, self.sender.receipt_timeout if timeout is None else timeout)


class TxSender:
    def __init__(
        self,
        w3: Web3,
        private_key: str | bytes,
        *,
        gas_multiplier: float = 1.25,
        gas_cap: int = 29_000_000,
        receipt_timeout: float = 120.0,
        retries: int = 5,
        poll_latency: float = 0.1,
        recheck_interval: float = 2.0,
        replace_after: float | None = 60.0,
        keep_depth: int = 12,
    ):
        self.w3 = w3
        self.account = Account.from_key(private_key)
        self.address = self.account.address
        self.gas_multiplier = gas_multiplier
        self.gas_cap = gas_cap
        self.receipt_timeout = receipt_timeout
        self.retries = retries
        self.poll_latency = poll_latency
        self.recheck_interval = recheck_interval  # how often a wait asks whether the node still knows the tx
        self.replace_after = replace_after  # seconds in the pool before a fee bump (None: never)
        self.keep_depth = keep_depth  # blocks after which a mined tx is no longer watched for a rewind
        self._lock = threading.RLock()
        self._nonce: int | None = None  # next nonce used (for callers and logs; the chain decides)
        self._tracked: dict[int, TxHandle] = {}
        self.sent = 0  # transactions broadcast by this sender (metrics)
        self.resent = 0  # re-broadcasts of transactions the node had forgotten
        self.replaced = 0  # fee bumps of stuck transactions

    # -- nonce ----------------------------------------------------------------------------------------------------
    def pending_count(self) -> int:
        """Transactions of this wallet broadcast but not mined yet (as the node sees them)."""
        latest = self.w3.eth.get_transaction_count(self.address, "latest")
        pending = self.w3.eth.get_transaction_count(self.address, "pending")
        return max(0, pending - latest)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no transaction of ours is in flight (used at start-up, so a restart never races its past)."""
        deadline = time.monotonic() + timeout
        while self.pending_count():
            if time.monotonic() > deadline:
                return False
            time.sleep(self.poll_latency)
        return True

    def _next_nonce(self) -> int:
        """Bring the node up to date with our transactions, then the lowest nonce neither mined nor held by one of
        our transactions the node knows."""
        mined = self.w3.eth.get_transaction_count(self.address, "latest")
        head = self.w3.eth.block_number
        for nonce, handle in sorted(self._tracked.items()):
            if nonce < mined:
                if handle.state == FAILED or (
                    handle.state == MINED and head - handle.receipt["blockNumber"] >= self.keep_depth
                ):
                    del self._tracked[nonce]
                continue
            # the chain has not mined this nonce: yet, or any more (a rewind)
            if handle.state == MINED:
                handle.state, handle.receipt = PENDING, None
            if handle.state == FAILED:
                del self._tracked[nonce]
            elif not self._known(handle):
                if handle.uncertain:
                    del self._tracked[nonce]  # its caller saw the send fail: free the nonce, do not revive it
                else:
                    self._rebroadcast(handle)
        for nonce in sorted(self._tracked)[: max(0, len(self._tracked) - _MAX_TRACKED)]:
            if nonce < mined:  # never polled by its caller: stop watching the oldest
                del self._tracked[nonce]
        held = {n for n, h in self._tracked.items() if n >= mined and h.state != FAILED}
        nonce = self.w3.eth.get_transaction_count(self.address, "pending")
        while nonce in held:
            nonce += 1
        self._nonce = nonce
        return nonce

    # -- sending --------------------------------------------------------------------------------------------------
    def estimate(self, fn, value: int = 0) -> int:
        """Gas estimate of a contract call; raises TxReverted with the decoded reason if it would revert."""
        try:
            return fn.estimate_gas({"from": self.address, "value": value})
        except (ContractLogicError, Web3RPCError, ValueError) as exc:
            data = revert_data_from(exc)
            if data is None and not isinstance(exc, ContractLogicError) and "revert" not in str(exc).lower():
                raise TxError(f"gas estimation failed: {describe(exc)}") from exc
            raise TxReverted(decode_revert(data) if data else describe(exc), data=data or b"") from exc

    def send(
        self,
        fn,
        *,
        value: int = 0,
        gas: int | None = None,
        label: str = "",
        on_sent: Callable[[str, int], None] | None = None,
    ) -> dict:
        """Send a contract call and wait for its receipt (at most `receipt_timeout`, then TxPending).
        `on_sent(tx_hash, nonce)` runs once it is broadcast."""
        return self.submit(fn, value=value, gas=gas, label=label, on_sent=on_sent).wait()

    def submit(
        self,
        fn,
        *,
        value: int = 0,
        gas: int | None = None,
        label: str = "",
        on_sent: Callable[[str, int], None] | None = None,
    ) -> TxHandle:
        """Estimate, sign and broadcast a contract call; returns its handle without waiting for it to be mined."""
        with self._lock:
            gas = gas or min(self.gas_cap, int(self.estimate(fn, value) * self.gas_multiplier) + 10_000)
            chain_id = self.w3.eth.chain_id
            for _ in range(3):
                nonce = self._next_nonce()
                tx = fn.build_transaction(
                    {"from": self.address, "nonce": nonce, "gas": gas, "value": value, "chainId": chain_id}
                )
                signed = self.account.sign_transaction(tx)
                tx_hash = "0x" + bytes(signed.hash).hex()
                handle = TxHandle(self, nonce, label, tx, bytes(signed.raw_transaction), tx_hash, [tx_hash])
                try:
                    self._send_raw(handle.raw, label)
                except _NonceTaken:
                    continue  # someone else used this nonce meanwhile: look again
                except NodeUnavailable:
                    handle.uncertain = True  # it may have reached the node: keep an eye on the nonce
                    self._tracked[nonce] = handle
                    raise
                break
            else:
                raise TxError(
                    f"no free nonce for {label or 'transaction'}: the node keeps reporting it taken"
                )
            handle.sent_at = time.monotonic()
            self._tracked[nonce] = handle
            self._nonce = nonce + 1
            self.sent += 1
            if on_sent is not None:
                on_sent(tx_hash, nonce)
        return handle

    def _send_raw(self, raw: bytes, label: str) -> None:
        for attempt in range(self.retries):
            try:
                self.w3.eth.send_raw_transaction(raw)
                return
            except _TRANSIENT as exc:  # a plain provider; RetryingHTTPProvider raises NodeUnavailable instead
                log.warning("broadcast %s failed (%s), retry %d", label, exc, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
            except (Web3RPCError, ValueError) as exc:
                text = str(exc).lower()
                if "already known" in text or "already imported" in text:
                    return  # an earlier attempt got through
                if "nonce too low" in text or "underpriced" in text:
                    raise _NonceTaken(f"nonce taken while sending {label}") from exc
                raise TxError(f"node refused {label}: {describe(exc)}") from exc
        raise NodeUnavailable(f"could not broadcast {label} after {self.retries} attempts")

    # -- watching -------------------------------------------------------------------------------------------------
    def _known(self, handle: TxHandle) -> bool:
        """Whether the node has any version of the transaction, mined or in its pool."""
        for tx_hash in handle.hashes:
            try:
                if self.w3.eth.get_transaction(tx_hash) is not None:
                    return True
            except TransactionNotFound:
                pass
        return False

    def _receipt(self, handle: TxHandle) -> dict | None:
        for tx_hash in handle.hashes:
            try:
                receipt = self.w3.eth.get_transaction_receipt(tx_hash)
            except TransactionNotFound:
                continue
            if receipt is not None and receipt.get("blockNumber") is not None:
                return receipt
        return None

    def _rebroadcast(self, handle: TxHandle) -> None:
        try:
            self._send_raw(handle.raw, handle.label)
        except _NonceTaken as exc:
            receipt = self._receipt(handle)
            if receipt is None:
                handle.state = FAILED
                handle.error = TxError(
                    f"{handle.label or 'transaction'} lost: nonce {handle.nonce} was used by another transaction"
                )
                handle.error.__cause__ = exc
            return
        log.warning("re-sent %s (nonce %d): the node had forgotten it", handle.label, handle.nonce)
        handle.state, handle.receipt, handle.sent_at = PENDING, None, time.monotonic()
        self.resent += 1

    def _replace(self, handle: TxHandle) -> None:
        """Same nonce, same call, fees up by 1/8 (nodes want at least +10 %) to get a stuck transaction mined."""
        tx = dict(handle.tx)
        for key in ("maxFeePerGas", "maxPriorityFeePerGas", "gasPrice"):
            if key in tx:
                tx[key] = tx[key] * 9 // 8 + 1
        signed = self.account.sign_transaction(tx)
        raw, tx_hash = bytes(signed.raw_transaction), "0x" + bytes(signed.hash).hex()
        try:
            self._send_raw(raw, handle.label)
        except _NonceTaken:
            return  # mined meanwhile, or the node wants more: the next poll sees which
        log.warning("replaced %s (nonce %d) with higher fees: %s", handle.label, handle.nonce, tx_hash)
        handle.tx, handle.raw, handle.tx_hash, handle.sent_at = tx, raw, tx_hash, time.monotonic()
        handle.hashes.append(tx_hash)
        self.replaced += 1

    def _poll(self, handle: TxHandle) -> dict | None:
        if handle.state == FAILED:
            raise handle.error
        if handle.state == MINED:
            return handle.receipt
        receipt = self._receipt(handle)
        if receipt is not None:
            handle.tx_hash = "0x" + bytes(receipt["transactionHash"]).hex()
            handle.receipt, handle.state = receipt, MINED
            if receipt["status"] != 1:
                handle.state = FAILED
                handle.error = TxReverted(self._replay_reason(handle.tx, receipt), tx_hash=handle.tx_hash)
                raise handle.error
            return receipt
        now = time.monotonic()
        if now - handle.checked_at >= self.recheck_interval:
            handle.checked_at = now
            with self._lock:
                if not self._known(handle):
                    self._rebroadcast(handle)
                    if handle.state == FAILED:
                        raise handle.error
                elif self.replace_after is not None and now - handle.sent_at >= self.replace_after:
                    self._replace(handle)
        return None

    def _wait(self, handle: TxHandle, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            receipt = self._poll(handle)
            if receipt is not None:
                return receipt
            if time.monotonic() >= deadline:
                raise TxPending(
                    f"{handle.label or 'transaction'} {handle.tx_hash} (nonce {handle.nonce}) not mined within "
                    f"{timeout:.0f} s; still watched",
                    handle=handle,
                )
            time.sleep(self.poll_latency)

    def wait(self, tx_hash: str, tx: dict | None = None, label: str = "") -> dict:
        """Wait (at most `receipt_timeout`) for a receipt; a failed transaction raises TxReverted with the reason
        replayed from the chain."""
        for handle in list(self._tracked.values()):
            if tx_hash in handle.hashes:
                return handle.wait()
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=self.receipt_timeout, poll_latency=self.poll_latency
            )
        except TimeExhausted as exc:
            raise TxPending(
                f"{label or 'transaction'} {tx_hash} not mined within {self.receipt_timeout:.0f} s"
            ) from exc
        if receipt["status"] != 1:
            raise TxReverted(self._replay_reason(tx, receipt), tx_hash=tx_hash)
        return receipt

    def _replay_reason(self, tx: dict | None, receipt) -> str:
        if not tx:
            return "reverted"
        call = {k: tx[k] for k in ("from", "to", "data", "value") if k in tx}
        try:
            self.w3.eth.call(call, block_identifier=receipt["blockNumber"] - 1)
        except Exception as exc:  # the replay reverting is the point
            data = revert_data_from(exc)
            return decode_revert(data) if data else describe(exc)
        return "reverted (out of gas or state changed within the block)"
