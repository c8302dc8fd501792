"""Stateful: Boost and classic deals on the same workerpool, settled in random order and at random times.

A Python model of every escrow account (free, frozen) follows each step; after every step the chain must equal the
model, and the escrow invariants hold: Σ balances == totalSupply, balance(hub) == Σ frozen (SPECIFICATION §9, 1-2, 5-7).
Classic deals run at trust 1 through initialize + contributeAndFinalize (same payments as a Boost push) or fail
through claim / initializeAndClaimArray after their final deadline.
"""

from types import SimpleNamespace

import pytest
from brownie import ZERO_ADDRESS, chain
from brownie.test import strategy
from fixtures.boost import APP_PRICE, WORKERPOOL_PRICE
from fixtures.chain import key_of, next_block_at

from offchain.protocol import boost
from offchain.protocol.constants import (
    CONTRIBUTION_DEADLINE_RATIO,
    FINAL_DEADLINE_RATIO,
    KITTY_ADDRESS,
)
from offchain.protocol.hashing import sign_authorization, task_id

REF = 300  # category 0
PRICES = boost.BoostPrices(APP_PRICE, 0, WORKERPOOL_PRICE)
PENDING, DONE = "pending", "done"


class MixedDeals:
    st_volume = strategy("uint8", min_value=1, max_value=3)
    st_pick = strategy("uint16")
    st_sponsored = strategy("bool")
    st_boost = strategy("bool")
    st_sleep = strategy("uint16", min_value=1, max_value=4 * REF)

    def __init__(
        self, hub, boost_orders, match_boost, key_of, requester, sponsor, scheduler, app_owner, workers
    ):
        self.hub = hub
        # builders kept in a namespace: brownie's state machine would bind plain function attributes as methods
        self.fx = SimpleNamespace(orders=boost_orders, match=match_boost, key_of=key_of)
        self.requester, self.sponsor, self.scheduler = requester, sponsor, scheduler
        self.worker = workers[0]
        self.accounts = [requester, sponsor, scheduler, app_owner, *workers[:4], hub, KITTY_ADDRESS]
        self.app_owner = app_owner

    def setup(self):
        self.deals = []  # dicts: boost, id, payer, start, botFirst, tasks (list of PENDING/DONE)
        self.model = {str(a): [self.hub.balanceOf(a), self.hub.frozenOf(a)] for a in self.accounts}

    # ---- model helpers -----------------------------------------------------------------------------------------

    def _move(self, account, free=0, frozen=0):
        entry = self.model[str(account)]
        entry[0] += free
        entry[1] += frozen

    def _lock(self, account, value):
        self._move(account, -value, value)
        self._move(self.hub, value)

    def _pay_success(self):
        kitty = self.model[KITTY_ADDRESS][1]
        out = PRICES.push_payouts(kitty)
        self._move(self.payer_of_current, frozen=out["sponsor_frozen"])
        self._move(self.worker, out["worker"])
        self._move(self.app_owner, out["app"])
        self._move(self.scheduler, out["scheduler"], out["scheduler_frozen"])
        self._move(KITTY_ADDRESS, frozen=out["kitty_frozen"])
        self._move(self.hub, -(out["worker"] + out["app"] + out["scheduler"]))

    def _pay_failure(self, payer):
        out = PRICES.claim_changes()
        self._move(payer, out["sponsor"], out["sponsor_frozen"])
        self._move(self.scheduler, frozen=out["scheduler_frozen"])
        self._move(KITTY_ADDRESS, frozen=out["kitty_frozen"])
        self._move(self.hub, -out["sponsor"])

    def _pending(self, pick):
        open_tasks = [(d, i) for d in self.deals for i, s in enumerate(d["tasks"]) if s == PENDING]
        return open_tasks[pick % len(open_tasks)] if open_tasks else None

    def _next_time(self):
        """Pin the next block's timestamp so that deadline decisions are exact."""
        t = chain[-1].timestamp + 1
        next_block_at(t)
        return t

    # ---- rules -------------------------------------------------------------------------------------------------

    def rule_match(self, st_volume, st_sponsored, st_boost):
        orders = self.fx.orders(volume=st_volume)
        payer = self.sponsor if st_sponsored else self.requester
        if st_boost:
            deal_id, tx = self.fx.match(orders, sponsor=self.sponsor if st_sponsored else None)
        else:
            call = self.hub.sponsorMatchOrders if st_sponsored else self.hub.matchOrders
            tx = call(*orders.as_args(), {"from": payer})
            deal_id = tx.events["OrdersMatched"]["dealid"]
        sponsor_lock, stake_lock = PRICES.match_locks(st_volume)
        self._lock(payer, sponsor_lock)
        self._lock(self.scheduler, stake_lock)
        self.deals.append(
            {
                "boost": st_boost,
                "id": deal_id,
                "payer": payer,
                "start": tx.timestamp,
                "tasks": [PENDING] * st_volume,
            }
        )

    def rule_sleep(self, st_sleep):
        chain.sleep(st_sleep)
        chain.mine()

    def rule_complete(self, st_pick):
        found = self._pending(st_pick)
        if found is None:
            return
        deal, index = found
        now = self._next_time()
        if deal["boost"]:
            if now >= deal["start"] + CONTRIBUTION_DEADLINE_RATIO * REF:
                return  # too late to push; a claim will settle it
            task = task_id(deal["id"], index)
            auth = sign_authorization(self.fx.key_of(self.scheduler), self.worker.address, task)
            self.hub.pushResultBoost(
                deal["id"], index, b"result", b"", auth, ZERO_ADDRESS, b"", {"from": self.worker}
            )
        else:
            if now >= deal["start"] + CONTRIBUTION_DEADLINE_RATIO * REF:
                return
            task = task_id(deal["id"], index)  # classic deals here start at botFirst 0
            self.hub.initialize(deal["id"], index, {"from": self.worker})
            auth = sign_authorization(self.fx.key_of(self.scheduler), self.worker.address, task)
            self.hub.contributeAndFinalize(
                task, b"\x01" * 32, b"result", b"", ZERO_ADDRESS, b"", auth, {"from": self.worker}
            )
        self.payer_of_current = deal["payer"]
        self._pay_success()
        deal["tasks"][index] = DONE

    def rule_claim(self, st_pick):
        found = self._pending(st_pick)
        if found is None:
            return
        deal, index = found
        now = self._next_time()
        ratio = CONTRIBUTION_DEADLINE_RATIO if deal["boost"] else FINAL_DEADLINE_RATIO
        if now < deal["start"] + ratio * REF:
            return
        self._claim(deal, index)

    def _claim(self, deal, index):
        if deal["boost"]:
            self.hub.claimBoost(deal["id"], index, {"from": self.requester})
        else:
            self.hub.initializeAndClaimArray([deal["id"]], [index], {"from": self.requester})
        self._pay_failure(deal["payer"])
        deal["tasks"][index] = DONE

    def teardown(self):
        """Claim every task still open, each at its own deadline: nothing but the kitty may stay frozen."""
        for deal in self.deals:
            ratio = CONTRIBUTION_DEADLINE_RATIO if deal["boost"] else FINAL_DEADLINE_RATIO
            for index, state in enumerate(deal["tasks"]):
                if state != PENDING:
                    continue
                next_block_at(max(deal["start"] + ratio * REF, chain[-1].timestamp + 1))
                self._claim(deal, index)
        self.invariant_escrow_matches_model()
        for account in (self.requester, self.sponsor, self.scheduler):
            assert self.hub.frozenOf(account) == 0
        assert self.hub.balanceOf(self.hub) == self.hub.frozenOf(KITTY_ADDRESS)

    # ---- invariants --------------------------------------------------------------------------------------------

    def invariant_escrow_matches_model(self):
        for account in self.accounts:
            assert [self.hub.balanceOf(account), self.hub.frozenOf(account)] == self.model[str(account)], (
                account
            )

    def invariant_supply_and_hub_balance(self):
        balances = sum(self.hub.balanceOf(a) for a in self.accounts)
        frozen = sum(self.hub.frozenOf(a) for a in self.accounts)
        assert balances == self.hub.totalSupply()
        assert self.hub.balanceOf(self.hub) == frozen


@pytest.mark.usefixtures("boost_assets")
def test_boost_and_classic_deals_keep_escrow_invariants(
    state_machine, hub, boost_orders, match_boost, requester, sponsor, scheduler, app_owner, workers
):
    state_machine(
        MixedDeals,
        hub,
        boost_orders,
        match_boost,
        key_of,
        requester,
        sponsor,
        scheduler,
        app_owner,
        workers,
        settings={"max_examples": 8, "stateful_step_count": 12},
    )
