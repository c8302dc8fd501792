"""The worker's chain side: verify an authorization, check stake, contribute and reveal (web3.py, never brownie).

Built on offchain/chain (ChainClient views, TxSender: preflight estimate, nonces, readable custom errors). Before each
transaction the worker re-reads the chain, so a restart never re-sends what is already on chain.
"""

from __future__ import annotations

import logging

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_bytes, to_checksum_address

from offchain.chain.client import ChainClient
from offchain.chain.errors import TxPending
from offchain.chain.tx import TxSender
from offchain.protocol import constants as C
from offchain.protocol import hashing

log = logging.getLogger(__name__)
ZERO_ADDRESS = "0x" + "00" * 20
# ERC-20 approve(), the only token call the worker makes (before hub.deposit).
_APPROVE_ABI = [
    {
        "type": "function",
        "name": "approve",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "spender", "type": "address"}, {"name": "value", "type": "uint256"}],
        "outputs": [{"name": "", "type": "bool"}],
    }
]


class CannotContribute(Exception):
    """The chain says this contribution/reveal cannot happen (task state, deadline, stake); message = why."""


class StakeTooLow(CannotContribute):
    """Less free stake than a task locks, and no deposit allowed; says how much to deposit."""

    def __init__(self, have: int, needed: int):
        super().__init__(
            f"stake too low: {have} nRLC free, {needed} nRLC needed"
            f" (deposit {needed - have} nRLC, or run the worker with --deposit)"
        )
        self.have, self.needed = have, needed


def b32(value) -> bytes:
    return to_bytes(hexstr=value) if isinstance(value, str) else bytes(value)


class WorkerChain:
    def __init__(self, client: ChainClient, sender: TxSender):
        self.client = client
        self.sender = sender
        self.address = sender.address
        self.hub = client.hub

    # -- checks ---------------------------------------------------------------------------------------------------
    def verify_authorization(self, assignment: dict, pool: str) -> str:
        """Recover the authorization signer and compare it with the pool owner; returns the owner."""
        owner = self.client.workerpool_owner(pool)
        digest = hashing.authorization_hash(
            self.address, assignment["taskId"], assignment.get("enclaveChallenge") or ZERO_ADDRESS
        )
        signer = Account.recover_message(
            encode_defunct(primitive=digest), signature=to_bytes(hexstr=assignment["authorizationSign"])
        )
        if signer.lower() != owner.lower():
            raise CannotContribute(f"authorization signed by {signer}, not by the pool owner {owner}")
        return owner

    def stake(self) -> int:
        return self.client.view_account(self.address)["stake"]

    def head(self) -> tuple[int, int]:
        """(number, timestamp) of the latest block."""
        block = self.client.w3.eth.get_block("latest")
        return block["number"], block["timestamp"]

    def eth_balance(self) -> int:
        return self.client.w3.eth.get_balance(self.address)

    def gas_price(self) -> int:
        return self.client.w3.eth.gas_price

    def ensure_stake(self, needed: int, deposit_amount: int) -> None:
        """Deposit from the wallet's RLC when the free stake is below `needed` and deposits are allowed."""
        have = self.stake()
        if have >= needed:
            return
        if deposit_amount <= 0:
            raise StakeTooLow(have, needed)
        amount = max(deposit_amount, needed - have)
        self._nothing_in_flight("deposit")
        token = self.client.w3.eth.contract(
            address=to_checksum_address(self.hub.functions.token().call()), abi=_APPROVE_ABI
        )
        self.sender.send(token.functions.approve(self.hub.address, amount), label="approve")
        self.sender.send(self.hub.functions.deposit(amount), label="deposit")
        log.info("deposited %d nRLC (stake was %d, %d needed)", amount, have, needed)

    # -- actions --------------------------------------------------------------------------------------------------
    def contribute(self, assignment: dict, digest: bytes, on_sent=None) -> dict:
        """Send contribute() unless this worker already contributed; returns {"txHash", "resultHash", "already"}."""
        task = b32(assignment["taskId"])
        res_hash = hashing.result_hash(task, digest)
        mine = self.client.view_contribution(task, self.address)
        if mine["status"] != C.CONTRIBUTION_UNSET:
            if bytes(mine["resultHash"]) != res_hash:
                raise CannotContribute("this worker already contributed another result to the task")
            return {"txHash": None, "resultHash": "0x" + res_hash.hex(), "already": True}
        onchain = self.client.view_task(task)
        if onchain["status"] != C.TASK_ACTIVE:
            raise CannotContribute(f"task is not active on chain (status {onchain['status']})")
        if self.client.chain_now() >= onchain["contributionDeadline"]:
            raise CannotContribute("the contribution deadline has passed")
        self._nothing_in_flight("contribute")
        seal = hashing.result_seal(self.address, task, digest)
        fn = self.hub.functions.contribute(
            task,
            res_hash,
            seal,
            to_checksum_address(assignment.get("enclaveChallenge") or ZERO_ADDRESS),
            b"",
            to_bytes(hexstr=assignment["authorizationSign"]),
        )
        receipt = self.sender.send(fn, label="contribute", on_sent=on_sent)
        return {
            "txHash": receipt["transactionHash"].to_0x_hex(),
            "resultHash": "0x" + res_hash.hex(),
            "already": False,
        }

    def reveal(self, assignment: dict, digest: bytes, on_sent=None) -> dict:
        task = b32(assignment["taskId"])
        mine = self.client.view_contribution(task, self.address)
        if mine["status"] == C.CONTRIBUTION_PROVED:
            return {"txHash": None, "already": True}
        onchain = self.client.view_task(task)
        if onchain["status"] != C.TASK_REVEALING:
            raise CannotContribute(f"task is not revealing on chain (status {onchain['status']})")
        if bytes(onchain["consensusValue"]) != hashing.result_hash(task, digest):
            raise CannotContribute("this worker's result is not the consensus")
        if self.client.chain_now() >= onchain["revealDeadline"]:
            raise CannotContribute("the reveal deadline has passed")
        self._nothing_in_flight("reveal")
        receipt = self.sender.send(self.hub.functions.reveal(task, digest), label="reveal", on_sent=on_sent)
        return {"txHash": receipt["transactionHash"].to_0x_hex(), "already": False}

    def _nothing_in_flight(self, what: str) -> None:
        """Raise TxPending while a transaction of this wallet is still pending (one whose send timed out, or was cut
        by a node failure, may still be mined): the step is tried again later, after re-reading the chain, so the
        same contribution or reveal is never sent twice."""
        pending = self.sender.pending_count()
        if pending:
            raise TxPending(f"{what} waits: {pending} transaction(s) of {self.address} still pending")

    def task_view(self, task_id: str) -> dict:
        return self.client.view_task(b32(task_id))

    def worker_stake_of(self, deal_id: str) -> int:
        return self.client.view_deal(b32(deal_id))["workerStake"]
