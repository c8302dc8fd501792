"""manage*Order (presign / close, by the owner or relayed with its signature) and broadcast*Order."""

import pytest
from fixtures.chain import key_of
from fixtures.orders import reverts_with

from offchain.protocol.orders import CLOSE, SIGN

KINDS = ["App", "Dataset", "Workerpool", "Request"]


@pytest.fixture
def pick(make_orders, app_owner, dataset_owner, scheduler, requester):
    """pick(kind) -> (order, owner) from a fresh set of orders with a dataset."""

    def _pick(kind):
        orders = make_orders(with_dataset=True, volume=7)
        owner = {"App": app_owner, "Dataset": dataset_owner, "Workerpool": scheduler, "Request": requester}[
            kind
        ]
        return getattr(orders, kind.lower()), owner

    return _pick


@pytest.mark.parametrize("kind", KINDS)
def test_owner_presigns_with_empty_sign(hub, domain, pick, kind):
    order, owner = pick(kind)
    tx = getattr(hub, f"manage{kind}Order")(order.operation(SIGN), {"from": owner})
    h = order.hash(domain)
    assert tx.events[f"Signed{kind}Order"].values() == ["0x" + h.hex()]
    assert hub.viewPresigned(h) == owner
    assert hub.verifyPresignature(owner, h)


@pytest.mark.parametrize("kind", KINDS)
def test_owner_closes_with_empty_sign(hub, domain, pick, kind):
    order, owner = pick(kind)
    tx = getattr(hub, f"manage{kind}Order")(order.operation(CLOSE), {"from": owner})
    h = order.hash(domain)
    assert tx.events[f"Closed{kind}Order"].values() == ["0x" + h.hex()]
    assert hub.viewConsumed(h) == 7  # the whole volume, for good


@pytest.mark.parametrize("compact", [False, True], ids=["65", "64"])
@pytest.mark.parametrize("kind", KINDS)
def test_relayed_operation_signed_by_owner(hub, domain, pick, anyone, kind, compact):
    order, owner = pick(kind)
    operation = order.operation(CLOSE, domain, key_of(owner), compact=compact)
    tx = getattr(hub, f"manage{kind}Order")(operation, {"from": anyone})
    assert f"Closed{kind}Order" in tx.events
    assert hub.viewConsumed(order.hash(domain)) == 7


@pytest.mark.parametrize("kind", KINDS)
def test_stranger_without_signature_is_rejected(hub, pick, anyone, kind):
    order, owner = pick(kind)
    with reverts_with("InvalidSenderOrSignature", anyone.address, owner.address):
        getattr(hub, f"manage{kind}Order")(order.operation(SIGN), {"from": anyone})


@pytest.mark.parametrize("kind", KINDS)
def test_operation_signed_by_someone_else_is_rejected(hub, domain, pick, anyone, kind):
    order, owner = pick(kind)
    operation = order.operation(SIGN, domain, key_of(anyone))
    with reverts_with("InvalidSenderOrSignature", anyone.address, owner.address):
        getattr(hub, f"manage{kind}Order")(operation, {"from": anyone})


def test_order_signature_is_not_an_operation_signature(hub, domain, pick, anyone):
    order, owner = pick("App")
    operation = (order.as_tuple(), SIGN, order.as_tuple()[-1])  # the order's own signature
    with reverts_with("InvalidSenderOrSignature", anyone.address, owner.address):
        hub.manageAppOrder(operation, {"from": anyone})


def test_unregistered_asset(hub, pick, app_owner):
    order, _ = pick("App")
    order.app = "0x" + "ab" * 20
    with reverts_with("AppNotRegistered", order.app):
        hub.manageAppOrder(order.operation(SIGN), {"from": app_owner})


def test_close_after_partial_match(hub, domain, make_orders, sign_orders, requester):
    orders = make_orders(volume=5, sign=False)
    orders.app.volume = 2
    sign_orders(orders)
    hub.matchOrders(*orders.as_args(), {"from": requester})
    request_hash = orders.request.hash(domain)
    assert hub.viewConsumed(request_hash) == 2
    hub.manageRequestOrder(orders.request.operation(CLOSE), {"from": requester})
    assert hub.viewConsumed(request_hash) == 5
    orders = orders._replace(app=orders.app.replace(volume=10, salt=b"\x07" * 32))
    sign_orders(orders)
    with reverts_with("OrderConsumed", request_hash):
        hub.matchOrders(*orders.as_args(), {"from": requester})


@pytest.mark.parametrize("kind", KINDS)
def test_broadcast(hub, pick, anyone, kind):
    order, _ = pick(kind)
    tx = getattr(hub, f"broadcast{kind}Order")(order.as_tuple(), {"from": anyone})
    emitted = tx.events[f"Broadcast{kind}Order"][0].values()[0]
    expected = order.as_tuple()
    assert len(emitted) == len(expected)
    assert [str(a).lower() for a in emitted] == [str(b).lower() for b in expected]
