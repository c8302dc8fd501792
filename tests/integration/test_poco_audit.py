"""One regression test per audit finding of the classic task lifecycle (docs/SPECIFICATION.md §8), named after it.

Each would fail on the vulnerable behaviour. Findings covered elsewhere (reward matrix, contributor bound, Boost) are
mapped to their tests in tests/integration/README.md.
"""

from brownie import CallbackReverter, interface, web3
from custom_errors import reverts_with
from fixtures.chain import ESCROW_FUNDS, escrow_state, next_block_at
from fixtures.poco import APP_PRICE, WORKERPOOL_PRICE, digest_of

from offchain.protocol import hashing
from offchain.protocol.constants import (
    CONTRIBUTION_REJECTED,
    KITTY_ADDRESS,
    KITTY_MIN,
    TASK_COMPLETED,
    TASK_REVEALING,
)

X = digest_of("consensus")
STAKE = WORKERPOOL_PRICE * 30 // 100


def pct(value, ratio):
    return value * ratio // 100


# ---- ChainSecurity 2018 (§8.1) ---------------------------------------------------------------------------------


def test_audit_2018_7_1_2_scheduler_ratio_snapshot(new_task, workers, hub, scheduler, assets):
    # the scheduler raises its reward ratio to 100 % after the workers revealed: the deal's snapshot (1 %) applies
    task = new_task(trust=1)
    task.contribute(workers[0], X)
    task.reveal(workers[0], X)
    interface.IWorkerpool(assets.workerpool).changePolicy(100, 100, {"from": scheduler})
    before = escrow_state(hub, workers[0])
    task.finalize(b"")
    assert escrow_state(hub, workers[0])[workers[0].address] == (
        before[workers[0].address][0] + STAKE + pct(WORKERPOOL_PRICE, 99),
        0,
    )
    assert hub.viewDeal(task.deal.dealid)[13:15] == (STAKE, 1)


def test_audit_2018_7_1_3_kitty_slice_is_bounded(new_task, new_deal, workers, hub, scheduler):
    # accepted finding (a scheduler may catch the kitty); the slice is min(max(10 %, 1 RLC), K): never all of a
    # large kitty at once
    deal = new_deal(volume=30)
    next_block_at(deal.model.start_time + 10 * deal.model.timeref)
    hub.initializeAndClaimArray([deal.dealid] * 30, list(range(30)), {"from": scheduler})
    kitty = hub.frozenOf(KITTY_ADDRESS)
    assert kitty == 30 * STAKE  # 18 RLC
    task = new_task(trust=1)
    tx = task.contribute_and_finalize(workers[0], X, b"")
    expected = max(pct(kitty, 10), KITTY_MIN)
    assert tx.events["Seize"][1].values() == [KITTY_ADDRESS, expected, "0x" + task.id.hex()]
    assert hub.frozenOf(KITTY_ADDRESS) == kitty - expected


def test_audit_2018_7_1_10_result_without_payment(new_task, workers, hub, requester, owner):
    # a reverting callback neither blocks finalize (the requester pays) nor lets the requester claim a refund
    consumer = CallbackReverter.deploy({"from": owner})
    data = b"result"
    task = new_task(trust=1, callback=consumer)
    task.contribute(workers[0], web3.keccak(data))
    task.reveal(workers[0], web3.keccak(data))
    task.finalize(b"", callback=data)
    assert task.status == TASK_COMPLETED
    assert escrow_state(hub, requester)[requester.address] == (ESCROW_FUNDS - APP_PRICE - WORKERPOOL_PRICE, 0)
    next_block_at(task.final_deadline)
    with reverts_with("TaskNotClaimable", task.id, TASK_COMPLETED):
        task.claim(sender=requester)


def test_audit_2018_7_1_12_arbitrary_contracts_are_not_trusted(hub, anyone):
    # there are no external work-order contracts: tasks exist only through initialize of a stored deal, so a
    # made-up id can neither be initialized nor claimed (nobody's stake can be moved through it)
    fake_deal = web3.keccak(text="fake deal")
    with reverts_with("TaskIndexOutOfDeal", fake_deal, 0, 0, 0):
        hub.initialize(fake_deal, 0, {"from": anyone})
    fake_task = hashing.task_id(fake_deal, 0)
    with reverts_with("TaskNotClaimable", fake_task, 0):
        hub.claim(fake_task, {"from": anyone})


def test_audit_2018_7_1_13_score_gaming_needs_replication(new_task, workers, hub):
    # a scheduler running its own worker on unreplicated (trust 1) tasks cannot raise that worker's score
    for i in range(3):
        task = new_task(trust=1)
        task.contribute(workers[0], digest_of(f"own {i}"))
        task.reveal(workers[0], digest_of(f"own {i}"))
        task.finalize(b"")
    assert hub.viewScore(workers[0]) == 0


def test_audit_2018_7_1_17_results_are_bound_to_their_task(new_deal, workers):
    # a result hash is keccak256(taskid, digest): one copied from another task cannot be revealed here
    deal = new_deal(trust=1, volume=2)
    first, second = deal.task(0), deal.task(1)
    first.contribute(workers[0], X)
    first.reveal(workers[0], X)  # the digest is public now
    replayed_hash, _ = first.commitment(workers[1], X)
    second.contribute(workers[1], X, result_hash=replayed_hash)
    with reverts_with("ResultHashMismatch", second.id, X):
        second.reveal(workers[1], X)


def test_audit_2018_7_2_2_rounding_dust_goes_to_scheduler(new_deal, workers, hub, scheduler):
    # accepted: the scheduler gets the residue of the worker shares (here 3 shares of a 2000000001 nRLC pot)
    price = WORKERPOOL_PRICE + 1
    task = new_deal(trust=5, workerpool_price=price).task(0)
    for w in workers[:3]:
        task.contribute(w, X)
    for w in workers[:3]:
        task.reveal(w, X)
    before = hub.balanceOf(scheduler)
    tx = task.finalize(b"")
    share = pct(price, 99) // 3
    assert [r["amount"] for r in list(tx.events["Reward"])[-4:-1]] == [share] * 3
    assert hub.balanceOf(scheduler) - before == pct(price, 30) + price - 3 * share


# ---- ChainSecurity 2019 (§8.2) ---------------------------------------------------------------------------------


def test_audit_2019_revealing_state_properties(new_task, workers):
    # verified property: REVEALING => consensusValue != 0, revealDeadline != 0, winnerCounter != 0, revealCounter == 0
    task = new_task(trust=3)
    for w in workers[:2]:
        task.contribute(w, X)
    view = task.view()
    assert view[0] == TASK_REVEALING
    assert view[7] != "0x" + "00" * 32 and view[5] != 0 and view[9] != 0 and view[8] == 0
    assert view[4] < view[6]  # contributionDeadline < finalDeadline


# ---- ConsenSys Diligence 2020 (§8.3) ---------------------------------------------------------------------------


def test_audit_2020_6_2_callback_gas_is_bounded_by_owner_setting(new_task, workers, hub, owner, accounts):
    """6.2 (acknowledged: trusted deployer). The owner's callback gas is what a callback gets; finalize still
    completes against an EOA callback with a large setting, given enough gas."""
    hub.setCallbackGas(5_000_000, {"from": owner})
    data = b"r"
    task = new_task(trust=1, callback=accounts[24])
    task.contribute(workers[0], web3.keccak(data))
    task.reveal(workers[0], web3.keccak(data))
    task.finalize(b"", callback=data, gas_limit=1_000_000)
    assert task.status == TASK_COMPLETED


# ---- Halborn 2025 (§8.4) ---------------------------------------------------------------------------------------


def test_audit_2025_7_1_trust_one_accepts_a_single_worker(new_task, workers):
    # by design: trust 1 means no replication, the first contribution is the consensus
    task = new_task(trust=1)
    task.contribute(workers[0], X)
    assert task.status == TASK_REVEALING


def test_audit_2025_7_4_failed_work_freezes_kitty_without_transfer(new_task, hub):
    task = new_task(trust=1)
    hub_balance = hub.balanceOf(hub)
    next_block_at(task.final_deadline)
    tx = task.claim()
    assert hub.balanceOf(KITTY_ADDRESS) == 0
    assert hub.frozenOf(KITTY_ADDRESS) == STAKE
    # the sponsor's refund leaves the hub; the scheduler's seized stake stays in it, now frozen for the kitty
    assert hub.balanceOf(hub) == hub_balance - APP_PRICE - WORKERPOOL_PRICE
    assert all(t["to"] != KITTY_ADDRESS for t in tx.events["Transfer"])


# ---- Observations (§8.5) ---------------------------------------------------------------------------------------


def test_audit_obs_zero_result_hash_rejected(new_task, workers):
    # v5 accepted a zero resultHash; we reject it (docs/SPECIFICATION.md §12.6)
    task = new_task(trust=1)
    with reverts_with("ZeroResultHash", task.id):
        task.contribute(workers[0], X, result_hash=b"\0" * 32)


def test_audit_obs_claim_returns_rejected_stakes(new_task, workers, hub):
    # claim unlocks REJECTED contributors too; only finalize punishes them
    task = new_task(trust=1)
    before = escrow_state(hub, workers[0])
    task.contribute(workers[0], X)
    next_block_at(task.reveal_deadline)
    task.reopen()
    assert hub.viewContribution(task.id, workers[0])[0] == CONTRIBUTION_REJECTED
    next_block_at(task.final_deadline)
    task.claim()
    assert escrow_state(hub, workers[0]) == before


def test_audit_obs_log_weight_is_floored(new_task, workers, hub, raise_score):
    # score 12 -> weight max(4, 3) - 1 = 3 -> floor(log2 3) = 1 (the ceil of v5 <= 5.4 gave 2)
    raise_score(workers[0], 12)
    task = new_task(trust=100)
    task.contribute(workers[0], X)
    assert hub.viewContribution(task.id, workers[0])[4] == 1
