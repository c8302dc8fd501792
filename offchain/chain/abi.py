"""One loader for contract ABIs, read from brownie's build output (build/contracts, build/interfaces).

The off-chain programs never import brownie: they read the JSON artefacts `brownie compile` writes. The build folder
is `$POCO_BUILD_DIR` when set, else `<repo>/build`.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from eth_utils import function_abi_to_4byte_selector

REPO_ROOT = Path(__file__).resolve().parents[2]

# The aggregate hub interface: every function and event the hub answers (v5 ABI).
HUB_INTERFACE = "IIexecHub"

# Fallback fragments for the asset contracts' views (names fixed by docs/SDK_COMPAT.md), used when the registries'
# build artefacts are not present: the scheduler only needs these few views.
_ASSET_VIEWS = {
    "App": [
        "m_appName:string",
        "m_appType:string",
        "m_appMultiaddr:bytes",
        "m_appChecksum:bytes32",
        "owner:address",
    ],
    "Dataset": [
        "m_datasetName:string",
        "m_datasetMultiaddr:bytes",
        "m_datasetChecksum:bytes32",
        "owner:address",
    ],
    "Workerpool": [
        "owner:address",
        "m_workerpoolDescription:string",
        "m_workerStakeRatioPolicy:uint256",
        "m_schedulerRewardRatioPolicy:uint256",
    ],
}


class AbiNotFound(FileNotFoundError):
    """Raised when no build artefact holds the ABI asked for (run `brownie compile`)."""


def build_dir() -> Path:
    return Path(os.environ.get("POCO_BUILD_DIR") or REPO_ROOT / "build")


@functools.cache
def _artefacts() -> dict[str, list]:
    """name -> ABI of every artefact in build/contracts and build/interfaces (contracts win on a name clash)."""
    found: dict[str, list] = {}
    for sub in ("interfaces", "contracts"):
        folder = build_dir() / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and isinstance(data.get("abi"), list):
                found[path.stem] = data["abi"]
    return found


def reload() -> None:
    """Forget cached artefacts (after a recompile)."""
    _artefacts.cache_clear()
    error_table.cache_clear()


def load_abi(name: str) -> list:
    """The ABI of contract or interface `name`; asset views fall back to built-in fragments."""
    abi = _artefacts().get(name)
    if abi is not None:
        return abi
    if name in _ASSET_VIEWS:
        return [_view(spec) for spec in _ASSET_VIEWS[name]]
    raise AbiNotFound(f"no ABI named {name!r} under {build_dir()} (run `brownie compile` first)")


def hub_abi() -> list:
    """The hub's ABI: the aggregate interface plus every custom error declared anywhere in the build."""
    abi = list(load_abi(HUB_INTERFACE))
    seen = {_signature(e) for e in abi if e.get("type") == "error"}
    for entry in all_errors():
        if _signature(entry) not in seen:
            seen.add(_signature(entry))
            abi.append(entry)
    return abi


def all_errors() -> list[dict]:
    """Every distinct custom-error ABI entry of the build, for revert decoding."""
    unique: dict[str, dict] = {}
    for abi in _artefacts().values():
        for entry in abi:
            if entry.get("type") == "error":
                unique.setdefault(_signature(entry), entry)
    return list(unique.values())


@functools.cache
def error_table() -> dict[bytes, dict]:
    """4-byte selector -> error ABI entry."""
    return {function_abi_to_4byte_selector(e): e for e in all_errors()}


def _signature(entry: dict) -> str:
    return f"{entry.get('name')}({','.join(_type(i) for i in entry.get('inputs', []))})"


def _type(param: dict) -> str:
    """Canonical ABI type, expanding tuples."""
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param.get("components", [])) + ")" + kind[len("tuple") :]
    return kind


def canonical_type(param: dict) -> str:
    return _type(param)


def _view(spec: str) -> dict:
    name, kind = spec.split(":")
    return {
        "type": "function",
        "name": name,
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"name": "", "type": kind, "internalType": kind}],
    }
