"""matchOrders: one test per rule of SPECIFICATION §3.7, each failing exactly that rule with its custom error.

Rules 1-20 are also checked by offchain.protocol.orders.check_compatibility: the test asserts the Python checker names the
same rule with the same arguments as the contract's revert.
"""

from types import SimpleNamespace

import brownie
import pytest
from fixtures.chain import key_of
from fixtures.orders import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, reverts_with

from offchain.protocol.orders import check_compatibility

OTHER = "0x" + "ab" * 20  # an address nobody registered
GPU = (0x100).to_bytes(32, "big")
TEE = (0x1).to_bytes(32, "big")


def _set(order, **fields):
    for key, value in fields.items():
        setattr(order, key, value)


# (id, with_dataset, expected error name, mutation(orders, ctx)) — rules 1 to 20, checked before any signature
RULES = [
    ("0x00", False, "CategoryMismatch", lambda o, c: _set(o.request, category=1)),
    (
        "0x01",
        False,
        "UnknownCategory",
        lambda o, c: (_set(o.request, category=99), _set(o.workerpool, category=99)),
    ),
    ("0x02", False, "TrustTooHigh", lambda o, c: (_set(o.request, trust=5), _set(o.workerpool, trust=4))),
    ("0x03", False, "AppOverpriced", lambda o, c: _set(o.request, appmaxprice=APP_PRICE - 1)),
    ("0x04", True, "DatasetOverpriced", lambda o, c: _set(o.request, datasetmaxprice=DATASET_PRICE - 1)),
    ("0x04-empty", False, "DatasetOverpriced", lambda o, c: _set(o.dataset, datasetprice=1)),
    (
        "0x05",
        False,
        "WorkerpoolOverpriced",
        lambda o, c: _set(o.request, workerpoolmaxprice=WORKERPOOL_PRICE - 1),
    ),
    ("0x06", False, "TagNotOffered", lambda o, c: _set(o.request, tag=GPU)),
    ("0x07", False, "TeeTagMismatch", lambda o, c: (_set(o.request, tag=TEE), _set(o.workerpool, tag=TEE))),
    ("0x10", False, "AppMismatch", lambda o, c: _set(o.request, app=OTHER)),
    ("0x11", False, "DatasetMismatch", lambda o, c: _set(o.request, dataset=OTHER)),
    ("0x12", False, "WorkerpoolRestrictedByRequest", lambda o, c: _set(o.request, workerpool=c.anyone)),
    ("0x13", False, "DatasetRestrictedByApp", lambda o, c: _set(o.app, datasetrestrict=c.anyone)),
    ("0x14", False, "WorkerpoolRestrictedByApp", lambda o, c: _set(o.app, workerpoolrestrict=c.anyone)),
    ("0x15", False, "RequesterRestrictedByApp", lambda o, c: _set(o.app, requesterrestrict=c.anyone)),
    ("0x16", True, "AppRestrictedByDataset", lambda o, c: _set(o.dataset, apprestrict=c.anyone)),
    (
        "0x17",
        True,
        "WorkerpoolRestrictedByDataset",
        lambda o, c: _set(o.dataset, workerpoolrestrict=c.anyone),
    ),
    ("0x18", True, "RequesterRestrictedByDataset", lambda o, c: _set(o.dataset, requesterrestrict=c.anyone)),
    ("0x19", False, "AppRestrictedByWorkerpool", lambda o, c: _set(o.workerpool, apprestrict=c.anyone)),
    (
        "0x1a",
        False,
        "DatasetRestrictedByWorkerpool",
        lambda o, c: _set(o.workerpool, datasetrestrict=c.anyone),
    ),
    (
        "0x1b",
        False,
        "RequesterRestrictedByWorkerpool",
        lambda o, c: _set(o.workerpool, requesterrestrict=c.anyone),
    ),
]


@pytest.fixture(scope="module")
def ctx(market, anyone, hub):
    return SimpleNamespace(assets=market, anyone=anyone.address, categories=hub.countCategory())


@pytest.mark.parametrize("with_dataset,name,mutate", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_compatibility_and_restriction_rules(
    hub, make_orders, sign_orders, ctx, requester, with_dataset, name, mutate
):
    orders = make_orders(with_dataset=with_dataset, sign=False)
    mutate(orders, ctx)
    sign_orders(orders)
    violation = check_compatibility(*orders, category_count=ctx.categories)
    assert violation is not None and violation.name == name
    with reverts_with(violation.name, *violation.args):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_unregistered_app(hub, make_orders, sign_orders, requester):
    orders = make_orders(sign=False, apporder={"app": OTHER}, requestorder={"app": OTHER})
    sign_orders(orders)
    with reverts_with("AppNotRegistered", OTHER):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_app_order_signed_by_someone_else(hub, make_orders, domain, anyone, app_owner, requester):
    orders = make_orders()
    orders.app.sign_with(key_of(anyone), domain)
    with reverts_with("InvalidAppOrderSignature", orders.app.hash(domain), app_owner.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_unregistered_dataset(hub, make_orders, sign_orders, requester):
    orders = make_orders(
        with_dataset=True, sign=False, datasetorder={"dataset": OTHER}, requestorder={"dataset": OTHER}
    )
    sign_orders(orders)
    with reverts_with("DatasetNotRegistered", OTHER):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_dataset_order_signed_by_someone_else(hub, make_orders, domain, anyone, dataset_owner, requester):
    orders = make_orders(with_dataset=True)
    orders.dataset.sign_with(key_of(anyone), domain)
    with reverts_with("InvalidDatasetOrderSignature", orders.dataset.hash(domain), dataset_owner.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_unregistered_workerpool(hub, make_orders, requester):
    orders = make_orders(workerpool=OTHER)
    with reverts_with("WorkerpoolNotRegistered", OTHER):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_workerpool_order_signed_by_someone_else(hub, make_orders, domain, anyone, scheduler, requester):
    orders = make_orders()
    orders.workerpool.sign_with(key_of(anyone), domain)
    with reverts_with("InvalidWorkerpoolOrderSignature", orders.workerpool.hash(domain), scheduler.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_request_order_signed_by_someone_else(hub, make_orders, domain, anyone, requester):
    orders = make_orders()
    orders.request.sign_with(key_of(anyone), domain)
    with reverts_with("InvalidRequestOrderSignature", orders.request.hash(domain), requester.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_unsigned_order_without_presignature(hub, make_orders, domain, requester):
    orders = make_orders()
    orders.request.sign = b""
    with reverts_with("InvalidRequestOrderSignature", orders.request.hash(domain), requester.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})


@pytest.mark.parametrize("exhausted", ["app", "dataset", "workerpool", "request"])
def test_order_consumed(hub, make_orders, domain, app_owner, dataset_owner, scheduler, requester, exhausted):
    orders = make_orders(with_dataset=True, volume=2)
    owner = {"app": app_owner, "dataset": dataset_owner, "workerpool": scheduler, "request": requester}[
        exhausted
    ]
    order = getattr(orders, exhausted)
    manage = getattr(hub, f"manage{type(order).__name__}")
    manage(order.operation(1), {"from": owner})  # CLOSE by the owner
    with reverts_with("OrderConsumed", order.hash(domain)):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_rules_are_checked_in_protocol_order(hub, make_orders, sign_orders, ctx, requester):
    # breaks rules 0x03 and 0x12 and the request signature: the first one (0x03) is reported
    orders = make_orders(sign=False)
    orders.request.appmaxprice = 0
    orders.request.workerpool = ctx.anyone
    with reverts_with("AppOverpriced", 0, APP_PRICE):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_price_too_large(hub, make_orders, requester):
    price = 2**96
    orders = make_orders(app_price=price)
    with reverts_with("PriceTooLarge", price):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_trust_too_large(hub, make_orders, requester):
    trust = 2**64
    orders = make_orders(trust=trust)
    with reverts_with("TrustTooLarge", trust):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_bag_of_tasks_too_large(hub, make_orders, requester):
    volume = 2**48
    orders = make_orders(volume=volume, app_price=0, workerpool_price=0)
    with reverts_with("BagOfTasksTooLarge", 0, volume):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_sponsor_without_funds(hub, make_orders, anyone):
    orders = make_orders()
    price = APP_PRICE + WORKERPOOL_PRICE
    with reverts_with("InsufficientBalance", anyone.address, 0, price):
        hub.sponsorMatchOrders(*orders.as_args(), {"from": anyone})


def test_scheduler_without_funds(hub, make_orders, scheduler, requester):
    hub.withdraw(hub.balanceOf(scheduler), {"from": scheduler})
    orders = make_orders()
    with reverts_with("InsufficientBalance", scheduler.address, 0, WORKERPOOL_PRICE * 30 // 100):
        hub.matchOrders(*orders.as_args(), {"from": requester})


def test_failed_match_changes_nothing(hub, make_orders, domain, scheduler, requester):
    # invariant 12: all or nothing (the request is fine, consumption and escrow stay untouched)
    orders = make_orders(volume=3)
    orders.workerpool.sign = b""
    before = [
        hub.balanceOf(requester),
        hub.frozenOf(requester),
        hub.balanceOf(scheduler),
        hub.frozenOf(scheduler),
    ]
    with reverts_with("InvalidWorkerpoolOrderSignature", orders.workerpool.hash(domain), scheduler.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})
    after = [
        hub.balanceOf(requester),
        hub.frozenOf(requester),
        hub.balanceOf(scheduler),
        hub.frozenOf(scheduler),
    ]
    assert after == before
    assert all(hub.viewConsumed(h) == 0 for h in orders.hashes(domain))


def test_dirty_address_bits_are_rejected(hub, make_orders, requester):
    # LibOrders hashes the calldata words as they are; the ABI decoder must refuse an address word with dirty high
    # bits, or the same order could be matched again under a second hash
    orders = make_orders()
    data = bytearray(bytes.fromhex(hub.matchOrders.encode_input(*orders.as_args())[2:]))
    head = 4 + int.from_bytes(data[4:36], "big")  # the app order tuple
    word = head + 4 * 32  # datasetrestrict
    assert data[word : word + 32] == b"\x00" * 32
    data[word] = 0x01  # high byte of the word, outside the 20-byte address
    with brownie.reverts():
        requester.transfer(hub, 0, data="0x" + data.hex())
    data[word] = 0x00  # the same call, clean, goes through
    assert "OrdersMatched" in requester.transfer(hub, 0, data="0x" + data.hex()).events
