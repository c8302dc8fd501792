"""Transaction sender: one wallet, local nonce tracking, preflight, retries, receipts, readable reverts.

Every transaction is first estimated (`eth_estimateGas`): a call the contract would reject raises `TxReverted` with
the decoded custom error and nothing is sent, so callers never pay for (or double-send) a doomed transaction.
Sends are serialized per sender so nonces never collide between threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import requests
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, Web3RPCError

from offchain.chain.errors import (
    TxError,
    TxReverted,
    decode_revert,
    describe,
    revert_data_from,
)

log = logging.getLogger(__name__)

_TRANSIENT = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)


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
    ):
        self.w3 = w3
        self.account = Account.from_key(private_key)
        self.address = self.account.address
        self.gas_multiplier = gas_multiplier
        self.gas_cap = gas_cap
        self.receipt_timeout = receipt_timeout
        self.retries = retries
        self.poll_latency = poll_latency
        self._lock = threading.Lock()
        self._nonce: int | None = None
        self.sent = 0  # transactions broadcast by this sender (metrics)

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
        chain_nonce = self.w3.eth.get_transaction_count(self.address, "pending")
        self._nonce = chain_nonce if self._nonce is None else max(self._nonce, chain_nonce)
        return self._nonce

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
        """Send a contract call and wait for its receipt. `on_sent(tx_hash, nonce)` runs once it is broadcast."""
        with self._lock:
            gas = gas or min(
                self.gas_cap,
                int(self.estimate(fn, value) * self.gas_multiplier) + 10_000,
            )
            nonce = self._next_nonce()
            tx = fn.build_transaction(
                {
                    "from": self.address,
                    "nonce": nonce,
                    "gas": gas,
                    "value": value,
                    "chainId": self.w3.eth.chain_id,
                }
            )
            signed = self.account.sign_transaction(tx)
            tx_hash = self._broadcast(signed, label)
            self._nonce = nonce + 1
            self.sent += 1
            if on_sent is not None:
                on_sent(tx_hash, nonce)
        return self.wait(tx_hash, tx, label)

    def _broadcast(self, signed, label: str) -> str:
        tx_hash = "0x" + bytes(signed.hash).hex()
        for attempt in range(self.retries):
            try:
                self.w3.eth.send_raw_transaction(signed.raw_transaction)
                return tx_hash
            except _TRANSIENT as exc:
                log.warning("broadcast %s failed (%s), retry %d", label, exc, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
            except (Web3RPCError, ValueError) as exc:
                text = str(exc).lower()
                if "already known" in text or "already imported" in text:
                    return tx_hash  # an earlier attempt got through
                if "nonce too low" in text:
                    self._nonce = None
                    raise TxError(f"nonce out of sync while sending {label}; resynced, try again") from exc
                raise TxError(f"node refused {label}: {describe(exc)}") from exc
        raise TxError(f"could not broadcast {label} after {self.retries} attempts")

    def wait(self, tx_hash: str, tx: dict | None = None, label: str = "") -> dict:
        """Wait for a receipt; a failed transaction raises TxReverted with the reason replayed from the chain."""
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=self.receipt_timeout, poll_latency=self.poll_latency
            )
        except TimeExhausted as exc:
            raise TxError(
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
