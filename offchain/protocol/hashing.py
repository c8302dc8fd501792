"""Ids, result commitments and the signed messages of PoCo (SPECIFICATION §3.4, §4.3, §4.11).

All functions take and return ``bytes`` (32-byte hashes, 20-byte addresses) or hex strings, and never import brownie.
"""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_bytes, to_canonical_address

ZERO_ADDRESS = "0x" + "00" * 20


def _b32(value: bytes | str) -> bytes:
    """A 32-byte value from bytes or a 0x-hex string; anything else is a caller bug."""
    raw = to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)
    if len(raw) != 32:
        raise ValueError(f"expected 32 bytes, got {len(raw)}: {value!r}")
    return raw


def _addr(value: bytes | str) -> bytes:
    return to_canonical_address(value)


def task_id(deal_id: bytes | str, index: int) -> bytes:
    """taskid = keccak256(dealid ‖ uint256(idx)); idx is absolute for classic deals, relative for Boost."""
    return keccak(_b32(deal_id) + int(index).to_bytes(32, "big"))


def deal_id(request_hash: bytes | str, consumed_before: int) -> bytes:
    """dealid = keccak256(requestHash ‖ consumed[requestHash] before the match)."""
    return keccak(_b32(request_hash) + int(consumed_before).to_bytes(32, "big"))


def result_hash(task: bytes | str, digest: bytes | str) -> bytes:
    """The vote: keccak256(taskid ‖ resultDigest), equal for every honest worker of a task."""
    return keccak(_b32(task) + _b32(digest))


def result_seal(worker: bytes | str, task: bytes | str, digest: bytes | str) -> bytes:
    """Proof of knowledge bound to the worker: keccak256(worker ‖ taskid ‖ resultDigest)."""
    return keccak(_addr(worker) + _b32(task) + _b32(digest))


def authorization_hash(worker: bytes | str, task: bytes | str, enclave: bytes | str = ZERO_ADDRESS) -> bytes:
    """What the scheduler (or TEE broker) signs, before the eth_sign prefix: keccak256(worker ‖ taskid ‖ enclave)."""
    return keccak(_addr(worker) + _b32(task) + _addr(enclave))


def enclave_hash(res_hash: bytes | str, res_seal: bytes | str) -> bytes:
    """What an enclave signs in the classic flow, before the prefix: keccak256(resultHash ‖ resultSeal)."""
    return keccak(_b32(res_hash) + _b32(res_seal))


def boost_enclave_hash(worker: bytes | str, task: bytes | str, result_digest: bytes | str) -> bytes:
    """What an enclave signs for Boost, before the prefix: keccak256(worker ‖ taskid ‖ keccak(results or callback))."""
    return keccak(_addr(worker) + _b32(task) + _b32(result_digest))


def eth_sign(private_key: bytes | str, message_hash: bytes | str) -> bytes:
    """65-byte (r ‖ s ‖ v) signature of ethmsg(hash) = keccak256("\\x19Ethereum Signed Message:\\n32" ‖ hash)."""
    signed = Account.sign_message(encode_defunct(primitive=_b32(message_hash)), private_key=private_key)
    return bytes(signed.signature)


def sign_authorization(scheduler_key, worker, task, enclave=ZERO_ADDRESS) -> bytes:
    return eth_sign(scheduler_key, authorization_hash(worker, task, enclave))


def sign_enclave(enclave_key, res_hash, res_seal) -> bytes:
    return eth_sign(enclave_key, enclave_hash(res_hash, res_seal))


def sign_boost_enclave(enclave_key, worker, task, result_digest) -> bytes:
    return eth_sign(enclave_key, boost_enclave_hash(worker, task, result_digest))


def boost_task_id(deal: bytes | str, index: int) -> bytes:
    """Task id of a Boost task: same formula as classic, but ``index`` is relative to the deal (0 .. botSize-1)."""
    return task_id(deal, index)


def boost_result_digest(
    results: bytes, results_callback: bytes = b"", callback: bytes | str = ZERO_ADDRESS
) -> bytes:
    """The digest a Boost enclave signs: keccak256 of the callback data when the deal has a callback, else of results."""
    has_callback = _addr(callback) != bytes(20)
    return keccak(bytes(results_callback) if has_callback else bytes(results))


def sign_boost_push(
    scheduler_key, enclave_key, worker, task, results, results_callback=b"", callback=ZERO_ADDRESS
):
    """(authorizationSign, enclaveChallenge, enclaveSign) for ``pushResultBoost``.

    Without ``enclave_key`` the enclave is the zero address and its signature empty; with one, the authorization
    covers the enclave address and the enclave signs the result digest (SPECIFICATION §4.11).
    """
    if enclave_key is None:
        return sign_authorization(scheduler_key, worker, task), ZERO_ADDRESS, b""
    enclave = Account.from_key(enclave_key).address
    digest = boost_result_digest(results, results_callback, callback)
    return (
        sign_authorization(scheduler_key, worker, task, enclave),
        enclave,
        sign_boost_enclave(enclave_key, worker, task, digest),
    )
