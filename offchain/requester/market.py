"""Marketplace actions for the demo, the e2e tests and the benchmark, with web3.py (never brownie).

Every action takes the private keys it signs with from its caller (the devnet passes its development keys).

Create an app and a workerpool, fund and deposit RLC, buy a bag of tasks (offchain/protocol/orders.py builds and signs the
four orders), follow the tasks on chain and download their results from the scheduler's result store.
"""

from __future__ import annotations

import time

import httpx
from eth_account import Account
from eth_utils import to_bytes, to_checksum_address
from web3 import Web3
from web3.logs import DISCARD

from offchain.chain import abi as abis
from offchain.chain.client import ChainClient
from offchain.chain.tx import TxSender
from offchain.protocol import constants as C
from offchain.protocol import hashing
from offchain.protocol import orders as od

TASK_STATUS_NAMES = {
    C.TASK_UNSET: "UNSET",
    C.TASK_ACTIVE: "ACTIVE",
    C.TASK_REVEALING: "REVEALING",
    C.TASK_COMPLETED: "COMPLETED",
    C.TASK_FAILED: "FAILED",
}


class Market:
    def __init__(self, w3: Web3, hub: str):
        self.w3 = w3
        self.chain = ChainClient(w3, hub)
        self.hub = self.chain.hub
        self._senders: dict[str, TxSender] = {}
        self.token = w3.eth.contract(
            address=to_checksum_address(self.hub.functions.token().call()), abi=_abi("IRLC")
        )
        self.domain = od.Domain(chain_id=w3.eth.chain_id, verifying_contract=self.hub.address)

    def sender(self, key: str) -> TxSender:
        addr = Account.from_key(key).address
        if addr not in self._senders:
            self._senders[addr] = TxSender(self.w3, key)
        return self._senders[addr]

    def send(self, key: str, fn, label: str = "") -> dict:
        return self.sender(key).send(fn, label=label)

    # -- assets ---------------------------------------------------------------------------------------------------
    def registry(self, kind: str):
        getter = {"app": "appregistry", "dataset": "datasetregistry", "workerpool": "workerpoolregistry"}[
            kind
        ]
        address = getattr(self.hub.functions, getter)().call()
        name = {"app": "IAppRegistry", "dataset": "IDatasetRegistry", "workerpool": "IWorkerpoolRegistry"}[
            kind
        ]
        return self.w3.eth.contract(address=to_checksum_address(address), abi=_abi(name))

    def create_app(
        self, owner_key: str, name: str, multiaddr: str, checksum: str, app_type: str = "ZIP"
    ) -> str:
        owner = Account.from_key(owner_key).address
        fn = self.registry("app").functions.createApp(
            owner, name, app_type, multiaddr.encode(), to_bytes(hexstr=checksum), b""
        )
        address = fn.call({"from": owner})
        self.send(owner_key, fn, "createApp")
        return to_checksum_address(address)

    def create_workerpool(self, owner_key: str, description: str) -> str:
        owner = Account.from_key(owner_key).address
        fn = self.registry("workerpool").functions.createWorkerpool(owner, description)
        address = fn.call({"from": owner})
        self.send(owner_key, fn, "createWorkerpool")
        return to_checksum_address(address)

    # -- money ----------------------------------------------------------------------------------------------------
    def transfer_rlc(self, from_key: str, to: str, amount: int) -> None:
        self.send(from_key, self.token.functions.transfer(to_checksum_address(to), amount), "transfer")

    def deposit(self, key: str, amount: int) -> None:
        self.send(key, self.token.functions.approve(self.hub.address, amount), "approve")
        self.send(key, self.hub.functions.deposit(amount), "deposit")

    def account(self, address: str) -> dict:
        return self.chain.view_account(to_checksum_address(address))

    def score(self, address: str) -> int:
        return self.chain.view_score(to_checksum_address(address))

    # -- deals ----------------------------------------------------------------------------------------------------
    def buy(
        self,
        requester_key: str,
        app: str,
        app_owner_key: str,
        workerpool: str,
        scheduler_key: str,
        *,
        volume: int,
        trust: int,
        category: int,
        app_price: int = 0,
        workerpool_price: int = 0,
        params: str = "",
    ) -> str:
        """Sign the four orders and match them as the requester; returns the deal id (0x-hex)."""
        requester = Account.from_key(requester_key).address
        orders = od.build_orders(
            app,
            workerpool,
            requester,
            volume=volume,
            trust=trust,
            category=category,
            app_price=app_price,
            workerpool_price=workerpool_price,
            params=params,
        ).sign_all(self.domain, app_owner=app_owner_key, scheduler=scheduler_key, requester=requester_key)
        receipt = self.send(requester_key, self.hub.functions.matchOrders(*orders.as_args()), "matchOrders")
        events = self.hub.events.SchedulerNotice().process_receipt(receipt, errors=DISCARD)
        if not events:
            raise RuntimeError("matchOrders emitted no SchedulerNotice")
        return "0x" + bytes(events[0]["args"]["dealid"]).hex()

    def task_ids(self, deal_id: str) -> list[str]:
        deal = self.chain.view_deal(to_bytes(hexstr=deal_id))
        first, size = deal["botFirst"], deal["botSize"]
        return ["0x" + hashing.task_id(deal_id, i).hex() for i in range(first, first + size)]

    def task_statuses(self, task_ids: list[str]) -> list[int]:
        return [self.chain.view_task(to_bytes(hexstr=t))["status"] for t in task_ids]

    def wait_tasks(
        self, task_ids: list[str], timeout: float, on_progress=None, period: float = 1.0
    ) -> list[int]:
        """Poll until every task is COMPLETED or FAILED (or timeout); on_progress(statuses) after each poll."""
        deadline = time.monotonic() + timeout
        while True:
            statuses = self.task_statuses(task_ids)
            if on_progress:
                on_progress(statuses)
            if all(s in (C.TASK_COMPLETED, C.TASK_FAILED) for s in statuses) or time.monotonic() > deadline:
                return statuses
            time.sleep(period)

    def download(self, result_store: str, task_id: str) -> bytes:
        resp = httpx.get(f"{result_store.rstrip('/')}/results/{task_id}", timeout=30)
        if resp.status_code != 200:
            raise RuntimeError(f"result of {task_id} not downloadable: HTTP {resp.status_code}")
        return resp.content


def _abi(name: str) -> list:
    return abis.load_abi(name)
