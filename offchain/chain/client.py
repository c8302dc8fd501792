"""Chain access with web3.py: connection, the hub contract, typed views and the deployment file."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from eth_utils import to_checksum_address
from web3 import Web3

from offchain.chain import abi as abis
from offchain.chain.events import LogFollower
from offchain.chain.retry import RetryingHTTPProvider, RetryPolicy

ZERO_ADDRESS = "0x" + "00" * 20


class ConfigError(Exception):
    """Bad configuration (unreachable node, no hub code, missing deployment): a one-line reason for the user."""


def connect(rpc_url: str, timeout: float = 10.0, policy: RetryPolicy | None = None) -> Web3:
    w3 = Web3(RetryingHTTPProvider(rpc_url, policy, request_kwargs={"timeout": timeout}))
    try:
        _ = w3.eth.block_number
    except Exception as exc:
        raise ConfigError(f"cannot reach the chain node at {rpc_url}: {type(exc).__name__}") from exc
    return w3


def deployment_path(chain_id: int, folder: str | Path | None = None) -> Path:
    return Path(folder or abis.REPO_ROOT / "deployments") / f"{chain_id}.json"


def load_deployment(chain_id: int, folder: str | Path | None = None) -> dict:
    """Addresses written by scripts/deploy.py (deployments/<chainid>.json)."""
    path = deployment_path(chain_id, folder)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"no deployment file {path}: deploy first or pass the hub address") from exc
    except ValueError as exc:
        raise ConfigError(f"deployment file {path} is not valid JSON") from exc


def hub_from_deployment(data: dict) -> str:
    for key in ("hub", "IexecHub", "iexecHub"):
        value = data.get(key) or (data.get("contracts") or {}).get(key)
        if isinstance(value, dict):
            value = value.get("address")
        if value:
            return to_checksum_address(value)
    raise ConfigError("the deployment file names no hub address")


def b32(value: bytes | str) -> bytes:
    """A deal or task id as the 32 bytes the hub takes, from bytes or 0x-hex."""
    return bytes.fromhex(value.removeprefix("0x")) if isinstance(value, str) else bytes(value)


@dataclass(frozen=True)
class Head:
    number: int
    timestamp: int
    seen_at: float  # local monotonic time when this head was first seen

    def chain_now(self) -> int:
        """Estimated timestamp of the next block: anvil mines on demand, so the head ages while idle."""
        return self.timestamp + int(time.monotonic() - self.seen_at)


class ChainClient:
    """The hub and asset views the off-chain programs need, with plain-Python results."""

    def __init__(self, w3: Web3, hub_address: str):
        self.w3 = w3
        self.hub_address = to_checksum_address(hub_address)
        if not w3.eth.get_code(self.hub_address):
            raise ConfigError(f"no contract code at hub address {self.hub_address}")
        self.hub = w3.eth.contract(address=self.hub_address, abi=abis.hub_abi())
        self.chain_id = w3.eth.chain_id
        self._head: Head | None = None

    # -- head -----------------------------------------------------------------------------------------------------
    def head(self) -> Head:
        block = self.w3.eth.get_block("latest")
        if self._head is None or self._head.number != block["number"]:
            self._head = Head(block["number"], block["timestamp"], time.monotonic())
        return self._head

    def chain_now(self) -> int:
        return self.head().chain_now()

    # -- hub views ------------------------------------------------------------------------------------------------
    def view_deal(self, deal_id: bytes | str) -> dict:
        def res(r):
            return {"pointer": r[0], "owner": r[1], "price": r[2]}

        d = self.hub.functions.viewDeal(b32(deal_id)).call()
        return {
            "app": res(d[0]),
            "dataset": res(d[1]),
            "workerpool": res(d[2]),
            "trust": d[3],
            "category": d[4],
            "tag": bytes(d[5]),
            "requester": d[6],
            "beneficiary": d[7],
            "callback": d[8],
            "params": d[9],
            "startTime": d[10],
            "botFirst": d[11],
            "botSize": d[12],
            "workerStake": d[13],
            "schedulerRewardRatio": d[14],
            "sponsor": d[15],
        }

    def view_task(self, task_id: bytes | str) -> dict:
        t = self.hub.functions.viewTask(b32(task_id)).call()
        keys = [
            "status",
            "dealid",
            "idx",
            "timeref",
            "contributionDeadline",
            "revealDeadline",
            "finalDeadline",
            "consensusValue",
            "revealCounter",
            "winnerCounter",
            "contributors",
            "resultDigest",
            "results",
            "resultsTimestamp",
            "resultsCallback",
        ]
        return dict(zip(keys, t, strict=True))

    def view_contribution(self, task_id: bytes | str, worker: str) -> dict:
        c = self.hub.functions.viewContribution(b32(task_id), worker).call()
        return dict(
            zip(
                ("status", "resultHash", "resultSeal", "enclaveChallenge", "weight"),
                c,
                strict=True,
            )
        )

    def view_score(self, worker: str) -> int:
        return self.hub.functions.viewScore(worker).call()

    def view_category(self, catid: int) -> dict:
        c = self.hub.functions.viewCategory(catid).call()
        return {"name": c[0], "description": c[1], "workClockTimeRef": c[2]}

    def view_account(self, owner: str) -> dict:
        stake, locked = self.hub.functions.viewAccount(owner).call()
        return {"stake": stake, "locked": locked}

    # -- hub transactions (unsent: `TxSender.send` preflights, signs and sends them) -------------------------------
    def initialize_tx(self, deal_ids: list[bytes | str], idxs: list[int]):
        """One task: `initialize`; several: one `initializeArray`."""
        if len(deal_ids) == 1:
            return self.hub.functions.initialize(b32(deal_ids[0]), idxs[0])
        return self.hub.functions.initializeArray([b32(d) for d in deal_ids], idxs)

    def finalize_tx(self, task_id: bytes | str, results: bytes, callback: bytes):
        return self.hub.functions.finalize(b32(task_id), results, callback)

    def reopen_tx(self, task_id: bytes | str):
        return self.hub.functions.reopen(b32(task_id))

    def claim_tx(self, task_ids: list[bytes | str]):
        return self.hub.functions.claimArray([b32(t) for t in task_ids])

    # -- hub events -----------------------------------------------------------------------------------------------
    def log_follower(self, name: str, events: list[str], cursors, **kwargs) -> LogFollower:
        """A follower of these hub events from a cursor row `name` of the `cursors` table (see `LogFollower`)."""
        return LogFollower(self.w3, name, self.hub_address, self.hub.abi, events, cursors, **kwargs)

    # -- assets ---------------------------------------------------------------------------------------------------
    def asset(self, kind: str, address: str):
        return self.w3.eth.contract(address=to_checksum_address(address), abi=abis.load_abi(kind))

    def app_info(self, address: str) -> dict:
        app = self.asset("App", address).functions
        return {
            "address": to_checksum_address(address),
            "multiaddr": _text(app.m_appMultiaddr().call()),
            "checksum": "0x" + bytes(app.m_appChecksum().call()).hex(),
            "type": app.m_appType().call(),
        }

    def dataset_info(self, address: str) -> dict | None:
        if int(address, 16) == 0:
            return None
        ds = self.asset("Dataset", address).functions
        return {
            "address": to_checksum_address(address),
            "multiaddr": _text(ds.m_datasetMultiaddr().call()),
            "checksum": "0x" + bytes(ds.m_datasetChecksum().call()).hex(),
        }

    def workerpool_owner(self, address: str) -> str:
        return self.asset("Workerpool", address).functions.owner().call()


def _text(raw: bytes | str) -> str:
    """Multiaddrs are stored as bytes; ours are UTF-8 paths or URLs."""
    if isinstance(raw, str):
        return raw
    try:
        return bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + bytes(raw).hex()
