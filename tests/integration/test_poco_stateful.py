"""Stateful test of whole deals against the pure-Python reference (offchain.protocol.model).

Three tasks (trust 1, 3 and 5) and five workers; random honest / wrong / silent workers, reveals, reopens,
finalizes, claims, fast-path calls, intruders and time jumps (`rule_settle` plays the scheduler's next move). Every rule asks the model first: when the model says
the call must fail the chain must revert with the same custom error; otherwise both apply it. After every step the
invariants of SPECIFICATION §9 (1-7, 15-23) are checked, and balances, frozen amounts, scores, statuses and accepted
results must equal the model's.
"""

import brownie
from brownie import chain
from brownie.test import strategy
from custom_errors import error_message
from fixtures.chain import next_block_at
from fixtures.poco import TaskDriver, digest_of

from offchain.protocol import hashing
from offchain.protocol.constants import (
    CONTRIBUTION_CONTRIBUTED,
    CONTRIBUTION_PROVED,
    CONTRIBUTION_REJECTED,
    CONTRIBUTION_UNSET,
    KITTY_ADDRESS,
    TASK_ACTIVE,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_REVEALING,
    TASK_UNSET,
)
from offchain.protocol.model import HUB, Ledger, Rejected, TaskModel

TRUSTS = (1, 3, 5)
DIGESTS = [
    digest_of("good"),
    digest_of("good"),
    digest_of("bad"),
    digest_of("worse"),
]  # honest twice as likely
# allowed task transitions (SPECIFICATION §4.1) and contribution transitions
TASK_NEXT = {
    TASK_UNSET: {TASK_ACTIVE},
    TASK_ACTIVE: {TASK_REVEALING, TASK_COMPLETED, TASK_FAILED},
    TASK_REVEALING: {TASK_ACTIVE, TASK_COMPLETED, TASK_FAILED},
    TASK_COMPLETED: set(),
    TASK_FAILED: set(),
}
CONTRIBUTION_NEXT = {
    CONTRIBUTION_UNSET: {CONTRIBUTION_CONTRIBUTED, CONTRIBUTION_PROVED},
    CONTRIBUTION_CONTRIBUTED: {CONTRIBUTION_PROVED, CONTRIBUTION_REJECTED},
    CONTRIBUTION_PROVED: set(),
    CONTRIBUTION_REJECTED: set(),
}


class PocoMachine:
    st_task = strategy("uint8", max_value=len(TRUSTS) - 1)
    st_worker = strategy("uint8", max_value=4)
    st_digests = strategy("uint8[]", min_length=1, max_length=4, max_value=len(DIGESTS) - 1)
    st_silent = strategy("uint8", max_value=31)
    st_intruder = strategy("bool")
    st_digest = strategy("uint8", max_value=len(DIGESTS) - 1)
    st_jump = strategy("uint16", min_value=1, max_value=1500)

    def __init__(cls, hub, new_deal, workers, scheduler, requester, app_owner, anyone):
        cls.hub = hub
        cls.new_deal = staticmethod(new_deal)  # a plain function kept on the class must not bind
        cls.workers = list(workers[:5])
        cls.scheduler = scheduler
        cls.anyone = anyone
        cls.tracked = [
            requester.address,
            app_owner.address,
            scheduler.address,
            *(w.address for w in cls.workers),
        ]

    def setup(self):
        deals = [self.new_deal(trust=trust) for trust in TRUSTS]
        self.deals = deals
        self.tasks = [TaskModel(deal.task_id(0), deal.model) for deal in deals]
        self.ledger = Ledger()
        for address in self.tracked + [KITTY_ADDRESS]:
            self.ledger.balances[address] = self.hub.balanceOf(address)
            self.ledger.frozens[address] = self.hub.frozenOf(address)
        self.ledger.balances[HUB] = self.hub.balanceOf(self.hub)
        self.untracked_supply = self.hub.totalSupply() - sum(self.ledger.balances.values())
        self.scores = {w.address: 0 for w in self.workers}
        self.digests = {}  # (task, worker) -> digest contributed
        self.history = {}  # (task, worker) -> last seen contribution status
        self.task_status = [TASK_UNSET] * len(TRUSTS)
        self.now = chain[-1].timestamp
        # two of the three tasks start initialized, so that short examples still reach the interesting states
        for i in (0, 2):
            self.rule_initialize(i)

    # -- helpers --------------------------------------------------------------------------------------------------
    def _tick(self):
        self.now += 1
        next_block_at(self.now)
        return self.now

    def _expect(self, model_call, chain_call):
        """Run the model; if it rejects, the chain must revert with the same error, else both apply the call."""
        now = self._tick()
        try:
            model_call(now)
        except Rejected as rejected:
            with brownie.reverts(error_message(rejected.name, *rejected.args_)):
                chain_call()
            return None
        tx = chain_call()
        assert tx.timestamp == now
        return tx

    def _driver(self, i):
        return TaskDriver(self.hub, self.deals[i].task_id(0), self.deals[i])

    # -- rules ----------------------------------------------------------------------------------------------------
    def rule_initialize(self, st_task):
        task = self.tasks[st_task]
        self._expect(
            lambda now: task.initialize(),
            lambda: self.hub.initialize(self.deals[st_task].dealid, 0, {"from": self.anyone}),
        )

    def rule_contribute(self, st_task, st_digests):
        # the next workers who have not contributed to this task, one contribution each (when all five did, the
        # first one tries again and must be refused)
        for index in st_digests:
            self._contribute(st_task, DIGESTS[index])

    def _contribute(self, i, digest):
        task = self.tasks[i]
        fresh = [w for w in self.workers if w.address not in task.contributions]
        worker = fresh[0] if fresh else self.workers[0]
        res_hash = hashing.result_hash(task.task_id, digest)
        res_seal = hashing.result_seal(worker.address, task.task_id, digest)
        was = task.status

        def model(now):
            task.contribute(worker.address, res_hash, res_seal, now, self.ledger, self.scores)

        tx = self._expect(model, lambda: self._driver(i).contribute(worker, digest))
        if tx is not None:
            self.digests[(i, worker.address)] = digest
            # invariant 22: TaskConsensus exactly when the model's credibility test first passes
            assert ("TaskConsensus" in tx.events) == (was == TASK_ACTIVE and task.status == TASK_REVEALING)

    def rule_reveal(self, st_task, st_silent):
        # every contributor of the task reveals its own digest, except those whose bit is set in st_silent (silent
        # workers); losing and rejected contributors are refused like any reveal of theirs would be
        task = self.tasks[st_task]
        contributors = [w for w in self.workers if w.address in task.contributions]
        for bit, worker in enumerate(contributors):
            if st_silent >> bit & 1:
                continue
            self._reveal(st_task, worker)

    def _reveal(self, i, worker):
        task = self.tasks[i]
        digest = self.digests.get((i, worker.address), DIGESTS[0])
        self._expect(
            lambda now: task.reveal(worker.address, digest, now),
            lambda: self.hub.reveal(task.task_id, digest, {"from": worker}),
        )

    def rule_reopen(self, st_task):
        task = self.tasks[st_task]
        self._expect(
            lambda now: task.reopen(self.scheduler.address, now),
            lambda: self.hub.reopen(task.task_id, {"from": self.scheduler}),
        )

    def rule_finalize(self, st_task, st_intruder):
        task = self.tasks[st_task]
        if st_intruder:
            # invariant 19: only the deal's scheduler may finalize (an uninitialized task has no scheduler)
            self._tick()
            with brownie.reverts(error_message("CallerIsNotTheScheduler", self.anyone, task._scheduler())):
                self.hub.finalize(task.task_id, b"", b"", {"from": self.anyone})
            return
        tx = self._expect(
            lambda now: task.finalize(self.scheduler.address, now, self.ledger, self.scores, b"ok"),
            lambda: self.hub.finalize(task.task_id, b"ok", b"", {"from": self.scheduler}),
        )
        if tx is not None:
            self._check_conservation(tx, task)
            assert self.hub.viewTask(task.task_id)[11] == "0x" + task.result_digest.hex()

    def rule_play_honest_round(self, st_task):
        # a whole honest round on one task: agreeing contributions until consensus, every winner reveals, the
        # scheduler finalizes (each call still checked against the model, so late or settled tasks are refused)
        task = self.tasks[st_task]
        for _ in range(len(self.workers)):
            if task.status != TASK_ACTIVE:
                break
            self._contribute(st_task, DIGESTS[0])
        for worker in [w for w in self.workers if w.address in task.contributions]:
            self._reveal(st_task, worker)
        self.rule_finalize(st_task, False)

    def rule_settle(self, st_task):
        # what a scheduler would do next, as the model sees it: finalize, reopen, or claim once it is too late
        task = self.tasks[st_task]
        now = self.now + 1
        if task.status == TASK_REVEALING and task.can_finalize(now):
            self.rule_finalize(st_task, False)
        elif task.status == TASK_REVEALING and task.reveal_counter == 0 and task.reveal_deadline <= now:
            self.rule_reopen(st_task)
        else:
            self.rule_claim(st_task)

    def rule_claim(self, st_task):
        task = self.tasks[st_task]
        tx = self._expect(
            lambda now: task.claim(now, self.ledger),
            lambda: self.hub.claim(task.task_id, {"from": self.anyone}),
        )
        if tx is not None:
            self._check_conservation(tx, task)

    def rule_contribute_and_finalize(self, st_task, st_worker, st_digest):
        task, worker, digest = self.tasks[st_task], self.workers[st_worker], DIGESTS[st_digest]
        tx = self._expect(
            lambda now: task.contribute_and_finalize(worker.address, digest, now, self.ledger, b"fast"),
            lambda: self._driver(st_task).contribute_and_finalize(worker, digest, b"fast"),
        )
        if tx is not None:
            self.digests[(st_task, worker.address)] = digest
            self._check_conservation(tx, task)

    def rule_time_jump(self, st_jump):
        self.now += st_jump

    # -- invariants -----------------------------------------------------------------------------------------------
    def _check_conservation(self, tx, task):
        # invariant 4: what is seized for the task is rewarded for it (the kitty's Reward+Lock on claim)
        ref = "0x" + task.task_id.hex()
        seized = (
            sum(e["amount"] for e in tx.events["Seize"] if e["ref"] == ref) if "Seize" in tx.events else 0
        )
        rewarded = (
            sum(e["amount"] for e in tx.events["Reward"] if e["ref"] == ref) if "Reward" in tx.events else 0
        )
        assert seized == rewarded

    def invariant_escrow_matches_model(self):
        # invariants 1, 2, 5, 6, 7, 21: every balance and frozen amount is the reference's
        for address in self.tracked + [KITTY_ADDRESS]:
            assert (self.hub.balanceOf(address), self.hub.frozenOf(address)) == (
                self.ledger.balances[address],
                self.ledger.frozens[address],
            ), address
        hub_balance = self.hub.balanceOf(self.hub)
        assert hub_balance == self.ledger.balances[HUB]
        assert hub_balance == sum(self.ledger.frozens.values())  # 2: balance(hub) == sum of frozen
        assert self.hub.totalSupply() == self.untracked_supply + sum(self.ledger.balances.values())  # 1
        assert self.hub.balanceOf(KITTY_ADDRESS) == 0  # 7

    def invariant_tasks_match_model(self):
        for i, task in enumerate(self.tasks):
            view = self.hub.viewTask(task.task_id)
            status = view[0]
            assert status == task.status
            # 15: only allowed transitions, terminal states absorbing
            if status != self.task_status[i]:
                assert status in TASK_NEXT[self.task_status[i]]
                self.task_status[i] = status
            if status == TASK_UNSET:
                continue
            # 16: deadlines and counters
            assert view[4] == task.contribution_deadline < view[6] == task.final_deadline
            assert view[8] == task.reveal_counter and view[9] == task.winner_counter
            assert list(view[10]) == task.contributors
            if status == TASK_REVEALING:
                assert view[5] < view[6]
                assert 1 <= view[9] and view[8] <= view[9] <= len(view[10])
                assert view[7] == "0x" + task.consensus_value.hex()
            # 17 (model side: the chain keeps groups private)
            if task.consensus is not None:
                assert task.consensus.total == 1 + sum(task.consensus.groups.values())

    def invariant_contributions_and_scores(self):
        for i, task in enumerate(self.tasks):
            # contributions the model knows; every other one must be UNSET (checked for all workers in teardown)
            for worker in (w for w in self.workers if w.address in task.contributions):
                status = self.hub.viewContribution(task.task_id, worker)[0]
                assert status == task.contributions[worker.address].status
                # 18: at most two changes, PROVED and REJECTED absorbing
                previous = self.history.get((i, worker.address), CONTRIBUTION_UNSET)
                if status != previous:
                    assert status in CONTRIBUTION_NEXT[previous]
                    self.history[(i, worker.address)] = status
        # 20: scores change only as the reference says
        for worker in self.workers:
            assert self.hub.viewScore(worker) == self.scores[worker.address]

    def teardown(self):
        for task in self.tasks:
            for worker in self.workers:
                if worker.address not in task.contributions:
                    assert self.hub.viewContribution(task.task_id, worker)[0] == CONTRIBUTION_UNSET


def test_poco_stateful(state_machine, hub, new_deal, workers, scheduler, requester, app_owner, anyone):
    state_machine(
        PocoMachine,
        hub,
        new_deal,
        workers,
        scheduler,
        requester,
        app_owner,
        anyone,
        settings={"max_examples": 20, "stateful_step_count": 15},
    )
