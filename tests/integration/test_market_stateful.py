"""Stateful market: random order sets, matches (plain and sponsored), closes, presignatures, app transfers and
policy changes, against a Python model. Invariants of SPECIFICATION §9 (9-14) and the escrow (1, 2, 5) after each step.
"""

from collections import defaultdict

from brownie.test import strategy
from fixtures.chain import key_of
from fixtures.orders import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, reverts_with

from offchain.protocol.hashing import deal_id
from offchain.protocol.orders import CLOSE, SIGN, deal_volume

ZERO32 = b"\x00" * 32


class MarketMachine:
    st_volume = strategy("uint256", min_value=1, max_value=4)
    st_pick = strategy("uint256", max_value=1000)
    st_bool = strategy("bool")
    st_kind = strategy("uint256", max_value=3)
    st_ratio = strategy("uint256", max_value=100)

    def __init__(
        cls, hub, make_orders, domain, market, app_registry, requester, sponsor, scheduler, app_owner, other
    ):
        cls.hub, cls.domain, cls.market = hub, domain, market
        cls.make_orders = staticmethod(make_orders)  # a plain function, not a method
        cls.app_registry = app_registry
        cls.requester, cls.sponsor, cls.scheduler = requester, sponsor, scheduler
        cls.app_holders = [app_owner, other]

    def setup(self):
        self.sets = []  # order sets: {"orders", "hashes", "app_signer", "presigned"}
        self.consumed = defaultdict(int)
        self.volumes = {}  # order hash -> order volume
        self.request_deals = defaultdict(list)  # request hash -> [(botFirst, botSize, dealid)]
        self.deals = {}  # dealid -> viewDeal snapshot at creation
        self.frozen = defaultdict(int)
        self.app_owner = self.app_holders[0]
        self.escrow_accounts = [self.requester, self.sponsor, self.scheduler]

    # ---- helpers ---------------------------------------------------------------------------------------------

    def _pick(self, st_pick):
        return self.sets[st_pick % len(self.sets)] if self.sets else None

    def _app_signature_valid(self, entry):
        owner = str(self.app_owner)
        return entry["app_signer"] == owner or entry["presigned"] == owner

    # ---- rules -----------------------------------------------------------------------------------------------

    def rule_new_orders(self, st_volume, st_pick, st_bool):
        orders = self.make_orders(with_dataset=st_bool, sign=False, volume=st_volume)
        orders.app.volume = 1 + st_pick % 5
        orders.workerpool.volume = 1 + (st_pick // 5) % 5
        orders.sign_all(self.domain, None, key_of(self.market.dataset_owner), key_of(self.scheduler),
                        key_of(self.requester))  # fmt: skip
        orders.app.sign_with(key_of(self.app_owner), self.domain)
        hashes = orders.hashes(self.domain)
        for order, h in zip(orders, hashes, strict=True):
            if h != ZERO32:
                self.volumes[h] = order.volume
        self.sets.append(
            {"orders": orders, "hashes": hashes, "app_signer": str(self.app_owner), "presigned": None}
        )

    def rule_match(self, st_pick, st_volume, st_bool):
        self._match(st_pick, st_volume, st_bool, sponsored=False)

    def rule_sponsor_match(self, st_pick, st_volume, st_bool):
        self._match(st_pick, st_volume, st_bool, sponsored=True)

    def _match(self, st_pick, st_volume, st_bool, sponsored):
        if not self.sets:
            self.rule_new_orders(st_volume, st_pick, st_bool)
        entry = self._pick(st_pick)
        orders, hashes = entry["orders"], entry["hashes"]
        payer = self.sponsor if sponsored else self.requester
        match = self.hub.sponsorMatchOrders if sponsored else self.hub.matchOrders
        volume = deal_volume(*orders, *(self.consumed[h] for h in hashes))
        if not self._app_signature_valid(entry):
            with reverts_with("InvalidAppOrderSignature", hashes[0], str(self.app_owner)):
                match(*orders.as_args(), {"from": payer})
            return
        if volume == 0:  # invariant 13: the first exhausted order is named
            exhausted = next(h for h in hashes if h != ZERO32 and self.consumed[h] == self.volumes[h])
            with reverts_with("OrderConsumed", exhausted):
                match(*orders.as_args(), {"from": payer})
            return
        tx = match(*orders.as_args(), {"from": payer})
        req = hashes[3]
        dealid = str(tx.events["OrdersMatched"]["dealid"])
        assert dealid == "0x" + deal_id(req, self.consumed[req]).hex()
        assert tx.events["OrdersMatched"]["volume"] == volume
        assert dealid not in self.deals  # invariant 10: unique deal ids
        self.request_deals[req].append((self.consumed[req], volume, dealid))
        for h in hashes:
            if h != ZERO32:
                self.consumed[h] += volume
        price = APP_PRICE + (DATASET_PRICE if orders.has_dataset else 0) + WORKERPOOL_PRICE
        self.frozen[str(payer)] += price * volume
        self.frozen[str(self.scheduler)] += WORKERPOOL_PRICE * 30 // 100 * volume
        self.deals[dealid] = self.hub.viewDeal(dealid)

    def rule_close(self, st_pick, st_kind):
        entry = self._pick(st_pick)
        if entry is None:
            return
        kind = ["App", "Dataset", "Workerpool", "Request"][st_kind]
        order = getattr(entry["orders"], kind.lower())
        if kind == "Dataset" and not entry["orders"].has_dataset:
            return
        owner = {"App": self.app_owner, "Dataset": self.market.dataset_owner, "Workerpool": self.scheduler,
                 "Request": self.requester}[kind]  # fmt: skip
        getattr(self.hub, f"manage{kind}Order")(order.operation(CLOSE, self.domain, key_of(owner)),
                                               {"from": self.sponsor})  # fmt: skip
        self.consumed[entry["hashes"][st_kind]] = order.volume

    def rule_presign_app(self, st_pick):
        entry = self._pick(st_pick)
        if entry is None:
            return
        self.hub.manageAppOrder(entry["orders"].app.operation(SIGN), {"from": self.app_owner})
        entry["presigned"] = str(self.app_owner)

    def rule_transfer_app(self):
        new = self.app_holders[1] if self.app_owner == self.app_holders[0] else self.app_holders[0]
        self.app_registry.transferFrom(
            self.app_owner, new, int(self.market.app, 16), {"from": self.app_owner}
        )
        self.app_owner = new

    def rule_change_policy(self, st_ratio):
        self.market.workerpool.changePolicy(st_ratio, 100 - st_ratio, {"from": self.scheduler})

    # ---- invariants ------------------------------------------------------------------------------------------

    def invariant_consumption(self):
        for h, volume in self.volumes.items():
            consumed = self.hub.viewConsumed(h)
            assert consumed == self.consumed[h] <= volume  # invariant 9

    def invariant_deal_ranges(self):
        for req, deals in self.request_deals.items():
            expected_first = 0
            for first, size, _ in deals:  # invariant 10: contiguous, disjoint, in match order
                assert first == expected_first
                expected_first += size
            assert expected_first <= self.hub.viewConsumed(req)

    def invariant_deals_immutable(self):
        for dealid, snapshot in self.deals.items():  # invariant 11 (policy changes included)
            assert self.hub.viewDeal(dealid) == snapshot

    def invariant_escrow(self):
        hub = self.hub
        balances = sum(hub.balanceOf(a) for a in self.escrow_accounts)
        assert balances + hub.balanceOf(hub) == hub.totalSupply()
        assert hub.balanceOf(hub) == sum(hub.frozenOf(a) for a in self.escrow_accounts)
        for account in self.escrow_accounts:
            assert hub.frozenOf(account) == self.frozen[str(account)]


def test_market_state_machine(
    state_machine, hub, make_orders, domain, market, app_registry, requester, sponsor, scheduler, app_owner,
    dataset_owner, accounts,
):  # fmt: skip
    market.dataset_owner = dataset_owner
    state_machine(
        MarketMachine, hub, make_orders, domain, market, app_registry, requester, sponsor, scheduler, app_owner,
        accounts[28], settings={"max_examples": 10, "stateful_step_count": 15},
    )  # fmt: skip
