"""Deposit and match in one transaction: RLC approveAndCall -> hub.receiveApproval -> matchOrders [v6.2]."""

import pytest
from fixtures.chain import key_of
from fixtures.orders import APP_PRICE, WORKERPOOL_PRICE, reverts_with

PRICE = APP_PRICE + WORKERPOOL_PRICE


@pytest.fixture
def newcomer(accounts, token, owner):
    """A requester with RLC but nothing in the escrow yet."""
    account = accounts[26]
    token.transfer(account, 100 * PRICE, {"from": owner})
    return account


def _orders_of(make_orders, domain, requester):
    orders = make_orders(requester=requester)
    orders.request.sign_with(key_of(requester), domain)
    return orders


def test_deposit_and_match_in_one_transaction(hub, token, make_orders, domain, newcomer, scheduler):
    orders = _orders_of(make_orders, domain, newcomer)
    rlc_before = token.balanceOf(newcomer)
    data = hub.matchOrders.encode_input(*orders.as_args())
    tx = token.approveAndCall(hub, PRICE, data, {"from": newcomer})
    assert tx.events["OrdersMatched"]["requestHash"] == "0x" + orders.request.hash(domain).hex()
    assert tx.events["SchedulerNotice"]["dealid"] == tx.events["OrdersMatched"]["dealid"]
    assert token.balanceOf(newcomer) == rlc_before - PRICE
    assert hub.balanceOf(newcomer) == 0 and hub.frozenOf(newcomer) == PRICE
    assert hub.viewDeal(tx.events["OrdersMatched"]["dealid"])["requester"] == newcomer


def test_deposit_and_match_of_someone_elses_request_is_refused(
    hub, token, make_orders, domain, newcomer, requester
):
    orders = make_orders()  # the default requester's request
    data = hub.matchOrders.encode_input(*orders.as_args())
    with reverts_with("CallerIsNotTheRequester", newcomer.address, requester.address):
        token.approveAndCall(hub, PRICE, data, {"from": newcomer})


def test_deposit_too_small_for_the_match_reverts_everything(hub, token, make_orders, domain, newcomer):
    orders = _orders_of(make_orders, domain, newcomer)
    data = hub.matchOrders.encode_input(*orders.as_args())
    rlc_before = token.balanceOf(newcomer)
    with reverts_with("InsufficientBalance", newcomer.address, PRICE - 1, PRICE):
        token.approveAndCall(hub, PRICE - 1, data, {"from": newcomer})
    assert token.balanceOf(newcomer) == rlc_before and hub.balanceOf(newcomer) == 0
