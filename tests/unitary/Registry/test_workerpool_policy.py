"""Workerpool.changePolicy: owner only, scheduler ratio at most 100, PolicyUpdate event; the registry that keeps
the policies."""

from brownie import ZERO_ADDRESS
from custom_errors import reverts_with


def test_change_policy(create_workerpool, scheduler):
    pool = create_workerpool()
    tx = pool.changePolicy(50, 10, {"from": scheduler})
    assert pool.policy() == (50, 10)
    assert pool.m_workerStakeRatioPolicy() == 50
    assert pool.m_schedulerRewardRatioPolicy() == 10
    assert tx.events["PolicyUpdate"].values() == [30, 50, 1, 10]


def test_scheduler_ratio_of_100_is_accepted(create_workerpool, scheduler):
    pool = create_workerpool()
    pool.changePolicy(0, 100, {"from": scheduler})
    assert pool.policy() == (0, 100)


def test_scheduler_ratio_above_100_reverts(create_workerpool, scheduler):
    pool = create_workerpool()
    with reverts_with("SchedulerRewardRatioTooLarge", 101, 100):
        pool.changePolicy(30, 101, {"from": scheduler})


def test_worker_ratio_beyond_storage_reverts(create_workerpool, scheduler):
    pool = create_workerpool()
    with reverts_with("SafeCastOverflowedUintDowncast", 240, 2**240):
        pool.changePolicy(2**240, 1, {"from": scheduler})


def test_change_policy_by_non_owner_reverts(create_workerpool, scheduler, anyone):
    pool = create_workerpool()
    with reverts_with("CallerIsNotTheOwner", anyone, scheduler):
        pool.changePolicy(30, 1, {"from": anyone})


def test_policy_follows_the_nft(create_workerpool, workerpool_registry, scheduler, anyone):
    pool = create_workerpool()
    workerpool_registry.transferFrom(scheduler, anyone, pool.address, {"from": scheduler})
    pool.changePolicy(40, 2, {"from": anyone})
    assert pool.policy() == (40, 2)
    with reverts_with("CallerIsNotTheOwner", scheduler, anyone):
        pool.changePolicy(30, 1, {"from": scheduler})


# The registry keeps the policies, so that a match reads owner and policy in one call.


def test_registry_answers_owner_and_policy_in_one_call(create_workerpool, workerpool_registry, scheduler):
    pool = create_workerpool()
    assert workerpool_registry.entryOwnerAndPolicy(pool) == (scheduler, 30, 1)
    pool.changePolicy(45, 7, {"from": scheduler})
    assert workerpool_registry.entryOwnerAndPolicy(pool) == (scheduler, 45, 7)
    assert workerpool_registry.policyOf(pool) == (45, 7)


def test_registry_knows_nothing_of_an_unknown_pool(workerpool_registry, anyone):
    assert workerpool_registry.entryOwnerAndPolicy(anyone) == (ZERO_ADDRESS, 0, 0)


def test_only_a_workerpool_of_the_registry_stores_a_policy(create_workerpool, workerpool_registry, anyone):
    pool = create_workerpool()
    with reverts_with("NotAWorkerpool", anyone):
        workerpool_registry.setPolicy(0, 100, {"from": anyone})
    assert pool.policy() == (30, 1)


def test_a_zero_policy_is_stored_not_taken_for_the_default(create_workerpool, workerpool_registry, scheduler):
    pool = create_workerpool()
    pool.changePolicy(0, 0, {"from": scheduler})
    assert workerpool_registry.entryOwnerAndPolicy(pool) == (scheduler, 0, 0)
