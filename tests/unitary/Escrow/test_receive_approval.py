"""receiveApproval: deposit through RLC.approveAndCall, optionally running a matchOrders call for the sender."""

import pytest
from brownie import ZERO_ADDRESS
from custom_errors import reverts_with

from offchain.protocol.constants import NRLC_PER_RLC as RLC
from offchain.protocol.orders import build_orders

NOT_MATCH = bytes.fromhex("33333333")  # not the matchOrders selector


def _orders(requester, params="", **kw):
    app, workerpool = "0x" + "a1" * 20, "0x" + "b2" * 20
    return build_orders(app, workerpool, requester.address, params=params, **kw)


def _match_data(hub, orders):
    return hub.matchOrders.encode_input(*orders.as_args())


# ---- plain deposits and rejections (production hub) ----


def test_empty_data_deposits(hub, token, requester):
    tx = token.approveAndCall(hub, 3 * RLC, b"", {"from": requester})
    assert hub.balanceOf(requester) == 3 * RLC
    assert tx.events["Transfer"][0].values() == [ZERO_ADDRESS, requester, 3 * RLC]


def test_direct_call_from_non_token_reverts(hub, token, requester):
    token.approve(hub, RLC, {"from": requester})
    with reverts_with("WrongToken", requester):
        hub.receiveApproval(requester, RLC, token, b"", {"from": requester})


def test_wrong_token_argument_reverts(hub, requester, anyone):
    with reverts_with("WrongToken", anyone):
        hub.receiveApproval(requester, RLC, anyone, b"", {"from": requester})


def test_unsupported_operation_reverts(hub, token, requester):
    with reverts_with("UnsupportedOperation", NOT_MATCH):
        token.approveAndCall(hub, RLC, NOT_MATCH, {"from": requester})


def test_short_data_is_an_unsupported_operation(hub, token, requester):
    with reverts_with("UnsupportedOperation", bytes.fromhex("12000000")):
        token.approveAndCall(hub, RLC, "0x12", {"from": requester})


def test_match_for_another_requester_reverts(hub, token, requester, anyone):
    data = _match_data(hub, _orders(anyone))
    with reverts_with("CallerIsNotTheRequester", requester, anyone):
        token.approveAndCall(hub, RLC, data, {"from": requester})


# ---- running the call (test hub with MatchOrdersStub as matchOrders) ----


@pytest.fixture(scope="module")
def stub(escrow_harness):
    return escrow_harness


def test_match_runs_in_hub_context_after_the_deposit(stub, requester):
    data = _match_data(stub.hub, _orders(requester, params="ok"))
    tx = stub.token.approveAndCall(stub.hub, 2 * RLC, data, {"from": requester})
    # msg.sender is the RLC token; the deposit is already visible to the match
    assert tx.events["StubMatched"].values() == [stub.token, requester, 2 * RLC]


def test_match_revert_reason_bubbles_up(stub, requester):
    data = _match_data(stub.hub, _orders(requester, params="revert-reason"))
    with reverts_with("StubFailed", requester):
        stub.token.approveAndCall(stub.hub, RLC, data, {"from": requester})
    assert stub.hub.balanceOf(requester) == 0


def test_match_revert_without_reason_is_operation_failed(stub, requester):
    data = _match_data(stub.hub, _orders(requester, params="revert-empty"))
    with reverts_with("OperationFailed"):
        stub.token.approveAndCall(stub.hub, RLC, data, {"from": requester})


# ---- the real market: deposit and match in one transaction (PoCo v6.2) ----


def test_deposit_and_match_orders_in_one_transaction(
    hub, token, create_app, create_workerpool, requester, app_owner, scheduler, deposit
):
    app, pool = create_app(), create_workerpool()
    orders = build_orders(
        app.address, pool.address, requester.address, app_price=RLC, workerpool_price=2 * RLC
    )
    # presigned by their owners (manage*Order SIGN sent by the owner): brownie's dev accounts hold no keys
    hub.manageAppOrder(orders.app.operation(0), {"from": app_owner})
    hub.manageWorkerpoolOrder(orders.workerpool.operation(0), {"from": scheduler})
    hub.manageRequestOrder(orders.request.operation(0), {"from": requester})
    deposit(scheduler, RLC)  # covers the scheduler's 30 % stake
    tx = token.approveAndCall(hub, 3 * RLC, _match_data(hub, orders), {"from": requester})
    assert len(tx.events["OrdersMatched"]) == 1
    assert hub.frozenOf(requester) == 3 * RLC
    assert hub.balanceOf(requester) == 0
    assert hub.frozenOf(scheduler) == 2 * RLC * 30 // 100
