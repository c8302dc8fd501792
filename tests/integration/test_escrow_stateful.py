"""Stateful test of the escrow against a Python model (SPECIFICATION §9 invariants 1, 2, 3 and 8).

Rules drive every operation that moves SRLC: deposit, depositFor, approveAndCall deposit, withdraw, transfer,
transferFrom, recover, and the primitives lock / unlock / seize+reward / seize-to-kitty through the test-only
EscrowHarness module. When the model says a call must fail, the rule asserts the named custom error.
"""

from brownie import ZERO_ADDRESS
from brownie.test import strategy
from custom_errors import reverts_with
from hypothesis import HealthCheck

from offchain.protocol.constants import KITTY_ADDRESS
from offchain.protocol.constants import NRLC_PER_RLC as RLC

REF = "0x" + "ab" * 32


class EscrowStateMachine:
    st_actor = strategy("uint8", max_value=3)
    st_other = strategy("uint8", max_value=3)
    st_amount = strategy("uint256", max_value=20 * RLC)
    st_small = strategy("uint256", max_value=5 * RLC)

    def __init__(cls, escrow_harness, owner, actors):
        cls.hub = escrow_harness.hub
        cls.token = escrow_harness.token
        cls.owner = owner
        cls.actors = actors

    def setup(self):
        self.free = {a.address: 0 for a in self.actors}
        self.free[self.owner.address] = 0
        self.frozen = {a.address: 0 for a in self.actors}
        self.frozen[KITTY_ADDRESS] = 0
        self.supply = 0
        self.rlc_in_hub = 0

    # ---- model helpers ----------------------------------------------------------------------------------------

    def _mint(self, account, amount):
        self.free[account.address] += amount
        self.supply += amount
        self.rlc_in_hub += amount

    # ---- deposits and withdrawals -----------------------------------------------------------------------------

    def rule_deposit(self, st_actor, st_amount):
        actor = self.actors[st_actor]
        self.token.approve(self.hub, st_amount, {"from": actor})
        self.hub.deposit(st_amount, {"from": actor})
        self._mint(actor, st_amount)

    def rule_deposit_for(self, st_actor, st_other, st_amount):
        actor, target = self.actors[st_actor], self.actors[st_other]
        self.token.approve(self.hub, st_amount, {"from": actor})
        self.hub.depositFor(st_amount, target, {"from": actor})
        self._mint(target, st_amount)

    def rule_deposit_approve_and_call(self, st_actor, st_amount):
        actor = self.actors[st_actor]
        self.token.approveAndCall(self.hub, st_amount, b"", {"from": actor})
        self._mint(actor, st_amount)

    def rule_withdraw(self, st_actor, st_amount):
        actor = self.actors[st_actor]
        free = self.free[actor.address]
        if st_amount > free:
            with reverts_with("InsufficientBalance", actor, free, st_amount):
                self.hub.withdraw(st_amount, {"from": actor})
            return
        self.hub.withdraw(st_amount, {"from": actor})
        self.free[actor.address] -= st_amount
        self.supply -= st_amount
        self.rlc_in_hub -= st_amount

    def rule_stray_rlc_then_recover(self, st_actor, st_small):
        # RLC sent to the hub without deposit is unbacked until the owner recovers it (invariant 3)
        self.token.transfer(self.hub, st_small, {"from": self.actors[st_actor]})
        self.rlc_in_hub += st_small
        tx = self.hub.recover({"from": self.owner})
        assert tx.events["Transfer"][-1].values() == [ZERO_ADDRESS, self.owner, st_small]
        self.free[self.owner.address] += st_small
        self.supply += st_small

    # ---- ERC-20 moves of the free balance ---------------------------------------------------------------------

    def rule_transfer(self, st_actor, st_other, st_amount):
        sender, receiver = self.actors[st_actor], self.actors[st_other]
        free = self.free[sender.address]
        if st_amount > free:
            with reverts_with("InsufficientBalance", sender, free, st_amount):
                self.hub.transfer(receiver, st_amount, {"from": sender})
            return
        self.hub.transfer(receiver, st_amount, {"from": sender})
        self.free[sender.address] -= st_amount
        self.free[receiver.address] += st_amount

    def rule_transfer_to_the_hub(self, st_actor, st_small):
        # never accepted: the hub's balance must stay equal to the frozen total (invariant 2)
        actor = self.actors[st_actor]
        with reverts_with("RecipientIsTheHub"):
            self.hub.transfer(self.hub, st_small, {"from": actor})

    def rule_transfer_from(self, st_actor, st_other, st_amount, st_small):
        holder, spender = self.actors[st_actor], self.actors[st_other]
        receiver = self.owner
        self.hub.approve(spender, st_small, {"from": holder})
        free = self.free[holder.address]
        if st_amount > st_small:
            with reverts_with("InsufficientAllowance", holder, spender, st_small, st_amount):
                self.hub.transferFrom(holder, receiver, st_amount, {"from": spender})
        elif st_amount > free:
            with reverts_with("InsufficientBalance", holder, free, st_amount):
                self.hub.transferFrom(holder, receiver, st_amount, {"from": spender})
        else:
            self.hub.transferFrom(holder, receiver, st_amount, {"from": spender})
            assert self.hub.allowance(holder, spender) == st_small - st_amount
            self.free[holder.address] -= st_amount
            self.free[receiver.address] += st_amount

    # ---- escrow primitives (harness) --------------------------------------------------------------------------

    def rule_lock(self, st_actor, st_amount):
        actor = self.actors[st_actor]
        free = self.free[actor.address]
        if st_amount > free:
            with reverts_with("InsufficientBalance", actor, free, st_amount):
                self.hub.harnessLock(actor, st_amount, {"from": actor})
            return
        self.hub.harnessLock(actor, st_amount, {"from": actor})
        self.free[actor.address] -= st_amount
        self.frozen[actor.address] += st_amount

    def rule_unlock(self, st_actor, st_amount):
        actor = self.actors[st_actor]
        frozen = self.frozen[actor.address]
        if st_amount > frozen:
            with reverts_with("InsufficientFrozen", actor, frozen, st_amount):
                self.hub.harnessUnlock(actor, st_amount, {"from": actor})
            return
        self.hub.harnessUnlock(actor, st_amount, {"from": actor})
        self.frozen[actor.address] -= st_amount
        self.free[actor.address] += st_amount

    def rule_seize_and_reward(self, st_actor, st_other, st_amount):
        victim, winner = self.actors[st_actor], self.actors[st_other]
        frozen = self.frozen[victim.address]
        if st_amount > frozen:
            with reverts_with("InsufficientFrozen", victim, frozen, st_amount):
                self.hub.harnessSeizeAndReward(victim, st_amount, winner, REF, {"from": victim})
            return
        self.hub.harnessSeizeAndReward(victim, st_amount, winner, REF, {"from": victim})
        self.frozen[victim.address] -= st_amount
        self.free[winner.address] += st_amount

    def rule_seize_to_kitty(self, st_actor, st_amount):
        victim = self.actors[st_actor]
        frozen = self.frozen[victim.address]
        if st_amount > frozen:
            with reverts_with("InsufficientFrozen", victim, frozen, st_amount):
                self.hub.harnessSeizeToKitty(victim, st_amount, REF, {"from": victim})
            return
        self.hub.harnessSeizeToKitty(victim, st_amount, REF, {"from": victim})
        self.frozen[victim.address] -= st_amount
        self.frozen[KITTY_ADDRESS] += st_amount

    # ---- invariants (SPECIFICATION §9) -----------------------------------------------------------------------------

    def invariant_1_balances_sum_to_supply(self):
        holders = list(self.free) + [self.hub.address, KITTY_ADDRESS, ZERO_ADDRESS]
        total = sum(self.hub.balanceOf(a) for a in holders)
        assert total == self.hub.totalSupply() == self.supply

    def invariant_2_hub_balance_is_frozen_total(self):
        assert self.hub.balanceOf(self.hub) == sum(self.hub.frozenOf(a) for a in self.frozen)

    def invariant_3_rlc_backs_supply(self):
        assert self.token.balanceOf(self.hub) == self.rlc_in_hub >= self.hub.totalSupply()

    def invariant_8_accounts_follow_model(self):
        # the model only lowers a free balance in withdraw / transfer / transferFrom, or in lock with an equal
        # frozen increase: matching it exactly after every step is invariant 8
        for account, amount in self.free.items():
            assert self.hub.balanceOf(account) == amount
        for account, amount in self.frozen.items():
            assert self.hub.frozenOf(account) == amount
        assert self.hub.balanceOf(KITTY_ADDRESS) == 0


def test_escrow_state_machine(state_machine, escrow_harness, owner, requester, sponsor, scheduler, workers):
    actors = [requester, sponsor, scheduler, workers[0]]
    state_machine(
        EscrowStateMachine,
        escrow_harness,
        owner,
        actors,
        # 12 rules with several uint256 draws each exceed hypothesis' default example size budget
        settings={
            "max_examples": 15,
            "stateful_step_count": 10,
            "suppress_health_check": [HealthCheck.data_too_large, HealthCheck.too_slow],
        },
    )
