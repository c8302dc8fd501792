"""Readable revert reasons: decode custom errors by selector from the build ABIs -> "ErrorName(arg, ...)"."""

from __future__ import annotations

import re

from eth_abi import decode as abi_decode
from eth_utils import to_bytes

from offchain.chain import abi as abis

_ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string)
_PANIC = bytes.fromhex("4e487b71")  # Panic(uint256)
_HEX_DATA = re.compile(r"0x[0-9a-fA-F]{8,}")


class TxError(Exception):
    """Base of the transaction layer's errors."""


class NodeUnavailable(TxError):
    """The chain node did not answer (refused, reset, timed out, 5xx) even after the retry policy's attempts.

    A `TxError` so the callers that already record failed sends (the scheduler's outbox) record this one too;
    HTTP services answer it with 503 and `Retry-After`.
    """

    def __init__(self, reason: str, retry_after: float = 5.0):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class TxPending(TxError):
    """A transaction not mined within a bounded wait; it may still be: poll `handle` (a `TxHandle`) later."""

    def __init__(self, reason: str, handle=None):
        super().__init__(reason)
        self.handle = handle


class TxReverted(TxError):
    """A call or transaction the contract rejected; `reason` is "ErrorName(args)" when it could be decoded."""

    def __init__(self, reason: str, tx_hash: str | None = None, data: bytes = b""):
        super().__init__(reason if not tx_hash else f"{reason} (tx {tx_hash})")
        self.reason = reason
        self.tx_hash = tx_hash
        self.data = data

    @property
    def error_name(self) -> str:
        return self.reason.split("(", 1)[0]


def _fmt(value) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def decode_revert(data: bytes | str | None) -> str:
    """Turn revert data into "ErrorName(a, b)"; unknown selectors keep their hex so nothing is hidden."""
    if data is None:
        return "reverted without data"
    raw = to_bytes(hexstr=data) if isinstance(data, str) else bytes(data)
    if not raw:
        return "reverted without data"
    selector, body = raw[:4], raw[4:]
    try:
        if selector == _ERROR_STRING:
            return f"Error({abi_decode(['string'], body)[0]!r})"
        if selector == _PANIC:
            return f"Panic({hex(abi_decode(['uint256'], body)[0])})"
        entry = abis.error_table().get(selector)
        if entry is not None:
            types = [abis.canonical_type(i) for i in entry.get("inputs", [])]
            values = abi_decode(types, body) if types else ()
            return f"{entry['name']}({', '.join(_fmt(v) for v in values)})"
    except Exception:  # malformed body: fall through to the raw form
        pass
    return f"unknown error 0x{raw.hex()}"


def revert_data_from(exc: BaseException) -> bytes | None:
    """Dig the revert bytes out of whatever web3 / the node raised (shapes differ between nodes)."""
    candidates = [getattr(exc, "data", None)]
    candidates += list(getattr(exc, "args", ()))
    for cand in candidates:
        if isinstance(cand, dict):
            cand = (
                cand.get("data") or (cand.get("error") or {}).get("data") if isinstance(cand, dict) else cand
            )
        if isinstance(cand, bytes) and cand:
            return cand
        if isinstance(cand, str):
            match = _HEX_DATA.search(cand)
            if match and (len(match.group(0)) - 2) % 2 == 0:
                return to_bytes(hexstr=match.group(0))
    return None


def describe(exc: BaseException) -> str:
    """A one-line reason for a failed call or estimate."""
    data = revert_data_from(exc)
    if data:
        return decode_revert(data)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text
