"""The result digest a worker commits to (docs/OFFCHAIN.md §2.4): what every honest worker of a task must compute alike.

- the app writes ``iexec_out/computed.json`` with ``deterministic-output-path`` (a file or a folder under iexec_out)
  and optionally ``callback-data`` (0x-hex bytes);
- callback deal: digest = keccak256(callback bytes);
- file: digest = sha256(file bytes); folder: keccak256 of the concatenated sha256 of its direct children (files
  sorted by name);
- no computed.json, or a path that escapes iexec_out / does not exist: the worker writes ``error.txt`` and a
  computed.json pointing to it, so honest workers agree on the failure too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from eth_utils import keccak, to_bytes

COMPUTED_FILE = "computed.json"
ERROR_FILE = "error.txt"


class DigestError(Exception):
    """The output folder cannot give a digest (bad computed.json); the message says why."""


def sha256_file(path: Path) -> bytes:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.digest()


def folder_digest(folder: Path) -> bytes:
    """keccak256(sha256(child_1) ‖ ... ‖ sha256(child_n)) over the direct children that are files, sorted by name."""
    children = sorted(p for p in folder.iterdir() if p.is_file())
    return keccak(b"".join(sha256_file(p) for p in children))


def read_computed(out_dir: Path) -> dict:
    path = Path(out_dir) / COMPUTED_FILE
    if not path.is_file():
        raise DigestError(f"{COMPUTED_FILE} is missing from the output folder")
    try:
        computed = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise DigestError(f"{COMPUTED_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(computed, dict):
        raise DigestError(f"{COMPUTED_FILE} must hold a JSON object")
    return computed


def callback_bytes(out_dir: Path) -> bytes | None:
    """The callback data the app wrote (None when it wrote none)."""
    data = read_computed(out_dir).get("callback-data")
    if data in (None, "", "0x"):
        return None
    try:
        return to_bytes(hexstr=data)
    except (TypeError, ValueError) as exc:
        raise DigestError(f"callback-data is not 0x-hex: {data!r}") from exc


def result_digest(out_dir: Path, has_callback: bool = False) -> bytes:
    """The 32-byte digest of an output folder (raises DigestError with a readable reason)."""
    out_dir = Path(out_dir).resolve()
    computed = read_computed(out_dir)
    if has_callback:
        data = callback_bytes(out_dir)
        if data is None:
            raise DigestError("the deal has a callback but computed.json has no callback-data")
        return keccak(data)
    rel = computed.get("deterministic-output-path")
    if not isinstance(rel, str) or not rel:
        raise DigestError("computed.json has no deterministic-output-path")
    # Apps see the folder as /iexec_out; accept both that absolute form and a relative path.
    rel = rel.removeprefix("/iexec_out")
    target = (out_dir / rel.lstrip("/")).resolve()
    if target != out_dir and out_dir not in target.parents:
        raise DigestError(f"deterministic-output-path escapes the output folder: {rel!r}")
    if target.is_file():
        return sha256_file(target)
    if target.is_dir():
        return folder_digest(target)
    raise DigestError(f"deterministic-output-path does not exist: {rel!r}")


def write_error_result(out_dir: Path, message: str, causes: list[str]) -> None:
    """Replace the output by a fixed error file so every honest worker reaches the same error digest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for child in out_dir.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    text = message + "\n" + "".join(f"- {c}\n" for c in sorted(causes))
    (out_dir / ERROR_FILE).write_text(text)
    (out_dir / COMPUTED_FILE).write_text(
        json.dumps({"deterministic-output-path": "/iexec_out/" + ERROR_FILE})
    )
