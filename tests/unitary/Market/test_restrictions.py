"""Order restrictions (SPECIFICATION §3.4): open (0), one address, or an ERC-734 group (key purpose 4 = member)."""

import pytest
from fixtures.orders import reverts_with

GROUPMEMBER = 4


def key(account):
    return "0x" + str(account)[2:].lower().rjust(64, "0")


@pytest.fixture
def group(TestIdentity, anyone):
    return TestIdentity.deploy(anyone, {"from": anyone})


@pytest.fixture(scope="module")
def harness(OrderHashHarness, accounts):
    return OrderHashHarness.deploy({"from": accounts[0]})


def test_group_member_passes_every_restriction(
    hub, make_orders, sign_orders, market, group, requester, anyone
):
    for member in (market.app, market.dataset, market.workerpool, requester):
        group.addKey(key(member), GROUPMEMBER, {"from": anyone})
    orders = make_orders(with_dataset=True, sign=False)
    for field in ("datasetrestrict", "workerpoolrestrict", "requesterrestrict"):
        setattr(orders.app, field, group)
    for field in ("apprestrict", "workerpoolrestrict", "requesterrestrict"):
        setattr(orders.dataset, field, group)
    for field in ("apprestrict", "datasetrestrict", "requesterrestrict"):
        setattr(orders.workerpool, field, group)
    orders.request.workerpool = group
    sign_orders(orders)
    hub.matchOrders(*orders.as_args(), {"from": requester})


def test_exact_address_restrictions(hub, make_orders, sign_orders, market, requester):
    orders = make_orders(with_dataset=True, sign=False)
    orders.app.workerpoolrestrict = market.workerpool
    orders.workerpool.requesterrestrict = requester
    orders.request.workerpool = market.workerpool
    sign_orders(orders)
    hub.matchOrders(*orders.as_args(), {"from": requester})


def test_non_member_is_rejected(hub, make_orders, sign_orders, market, group, requester):
    orders = make_orders(sign=False, apporder={"workerpoolrestrict": group})
    sign_orders(orders)
    with reverts_with("WorkerpoolRestrictedByApp", group.address, market.workerpool.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_key_with_another_purpose_is_rejected(hub, make_orders, sign_orders, group, anyone, requester):
    group.addKey(key(requester), 1, {"from": anyone})  # management key, not a group member
    orders = make_orders(sign=False, workerpoolorder={"requesterrestrict": group})
    sign_orders(orders)
    with reverts_with("RequesterRestrictedByWorkerpool", group.address, requester.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_reverting_group_counts_as_no(hub, make_orders, sign_orders, market, group, anyone, requester):
    group.addKey(key(market.app), GROUPMEMBER, {"from": anyone})
    group.setReverting(True, {"from": anyone})
    orders = make_orders(with_dataset=True, sign=False, datasetorder={"apprestrict": group})
    sign_orders(orders)
    with reverts_with("AppRestrictedByDataset", group.address, market.app):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_garbage_answering_group_counts_as_no(
    hub, make_orders, sign_orders, market, GarbageIdentity, anyone, requester
):
    garbage = GarbageIdentity.deploy({"from": anyone})
    orders = make_orders(sign=False, apporder={"requesterrestrict": garbage})
    sign_orders(orders)
    with reverts_with("RequesterRestrictedByApp", garbage.address, requester.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_is_authorized_rule(harness, group, anyone, requester):
    zero = "0x" + "00" * 20
    assert harness.isAuthorized(zero, requester)  # open
    assert harness.isAuthorized(requester, requester)  # the address itself
    assert not harness.isAuthorized(anyone, requester)  # another EOA
    assert not harness.isAuthorized(group, requester)  # a group it is not in
    group.addKey(key(requester), GROUPMEMBER, {"from": anyone})
    assert harness.isAuthorized(group, requester)
