"""viewDeal / viewDealBoost / viewTask / viewContribution / viewScore / resultFor / viewConsumed / viewPresigned."""

import pytest
from brownie import ZERO_ADDRESS, chain
from custom_errors import reverts_with

from offchain.protocol.constants import NRLC_PER_RLC as RLC
from offchain.protocol.orders import Domain, build_orders

UNKNOWN = "0x" + "42" * 32
ZERO32 = "0x" + "00" * 32


@pytest.fixture
def matched(hub, create_app, create_workerpool, requester, app_owner, scheduler, deposit):
    """match(**build_orders kwargs) -> (tx, orders): presigned orders matched with enough deposits."""

    def _match(**kw):
        app, pool = create_app(), create_workerpool()
        orders = build_orders(app.address, pool.address, requester.address, **kw)
        hub.manageAppOrder(orders.app.operation(0), {"from": app_owner})
        hub.manageWorkerpoolOrder(orders.workerpool.operation(0), {"from": scheduler})
        hub.manageRequestOrder(orders.request.operation(0), {"from": requester})
        deposit(requester, 100 * RLC)
        deposit(scheduler, 100 * RLC)
        return hub.matchOrders(*orders.as_args(), {"from": requester}), orders, app, pool

    return _match


def test_unknown_deal_is_all_zero(hub):
    deal = hub.viewDeal(UNKNOWN)
    assert deal[0] == (ZERO_ADDRESS, ZERO_ADDRESS, 0)
    assert deal[5] == ZERO32
    assert deal[6:9] == (ZERO_ADDRESS, ZERO_ADDRESS, ZERO_ADDRESS)
    assert deal[9] == ""
    assert deal[10:15] == (0, 0, 0, 0, 0)
    assert deal[15] == ZERO_ADDRESS


def test_unknown_deal_boost_is_all_zero(hub):
    assert hub.viewDealBoost(UNKNOWN)[6] == ZERO_ADDRESS
    assert hub.viewDealBoost(UNKNOWN)[9] == 0


def test_unknown_task_is_all_zero(hub):
    assert hub.viewTask(UNKNOWN) == (0, ZERO32, 0, 0, 0, 0, 0, ZERO32, 0, 0, [], ZERO32, "0x", 0, "0x")


def test_unknown_contribution_is_all_zero(hub, workers):
    assert hub.viewContribution(UNKNOWN, workers[0]) == (0, ZERO32, ZERO32, ZERO_ADDRESS, 0)


def test_score_of_a_new_worker_is_zero(hub, workers):
    assert hub.viewScore(workers[0]) == 0


def test_unknown_order_is_neither_consumed_nor_presigned(hub):
    assert hub.viewConsumed(UNKNOWN) == 0
    assert hub.viewPresigned(UNKNOWN) == ZERO_ADDRESS


def test_result_for_unknown_task_reverts(hub):
    with reverts_with("TaskPending", bytes.fromhex("42" * 32), 0):
        hub.resultFor(UNKNOWN)


def test_view_deal_decodes_the_packed_deal(hub, matched, requester, app_owner, scheduler):
    tx, orders, app, pool = matched(
        app_price=RLC, workerpool_price=2 * RLC, volume=3, params="{}", category=1
    )
    dealid = tx.events["OrdersMatched"]["dealid"]
    deal = hub.viewDeal(dealid)
    assert deal[0] == (app, app_owner, RLC)
    assert deal[1] == (ZERO_ADDRESS, ZERO_ADDRESS, 0)
    assert deal[2] == (pool, scheduler, 2 * RLC)
    assert deal[3] >= 1  # trust
    assert deal[4] == 1  # category
    assert deal[5] == ZERO32  # tag
    assert deal[6] == requester
    assert deal[7] == requester  # beneficiary = requester (flag)
    assert deal[8] == ZERO_ADDRESS
    assert deal[9] == "{}"
    assert deal[10] == chain[tx.block_number].timestamp
    assert deal[11:13] == (0, 3)
    assert deal[13] == 2 * RLC * 30 // 100  # workerStake at the default 30 %
    assert deal[14] == 1  # schedulerRewardRatio default
    assert deal[15] == requester  # sponsor = requester (flag)


def test_view_deal_with_other_beneficiary_and_long_tag(hub, matched, anyone):
    tag = "0x" + "00" * 27 + "0100000001"  # bit 32 set: does not fit the 32-bit short tag
    tx, orders, _, _ = matched(beneficiary=anyone.address, tag=tag, workerpoolorder={"tag": tag})
    deal = hub.viewDeal(tx.events["OrdersMatched"]["dealid"])
    assert deal[7] == anyone
    assert deal[5] == tag


def test_consumed_and_presigned_after_a_match(hub, matched, requester):
    tx, orders, _, _ = matched(volume=2)
    request_hash = orders.request.hash(Domain(chain.id, hub.address))
    assert hub.viewConsumed(request_hash) == 2
    assert hub.viewPresigned(request_hash) == requester


def test_view_task_after_initialize(hub, matched, scheduler):
    tx, _, _, pool = matched()
    dealid = tx.events["OrdersMatched"]["dealid"]
    init = hub.initialize(dealid, 0, {"from": scheduler})
    taskid = init.events["TaskInitialize"]["taskid"]
    task = hub.viewTask(taskid)
    start = hub.viewDeal(dealid)[10]
    assert task[0] == 1  # ACTIVE
    assert task[1] == dealid
    assert task[2] == 0
    assert task[3] == 300  # category 0 timeref
    assert task[4] == start + 7 * 300
    assert task[6] == start + 10 * 300
    assert task[13] == 0  # resultsTimestamp is never written
    with reverts_with("TaskPending", bytes(taskid), 1):
        hub.resultFor(taskid)
