"""Random orders: the Python order model (hashes, compatibility rules, volume) agrees with the hub."""

from brownie.test import given, strategy
from hypothesis import HealthCheck, settings

from offchain.protocol.orders import check_compatibility, deal_volume

TAG_BITS = [0x0, 0x1, 0x3, 0x5, 0x9, 0x100]  # none, TEE, TEE+Scone, TEE+Gramine, TEE+TDX, GPU


@settings(max_examples=10, suppress_health_check=[HealthCheck.data_too_large, HealthCheck.too_slow])
@given(
    volumes=strategy("uint256[4]", min_value=1, max_value=6),
    prices=strategy("uint256[3]", max_value=3 * 10**9),
    tag=strategy("uint256", max_value=len(TAG_BITS) - 1),
    trust=strategy("uint256", max_value=100),
    category=strategy("uint256", max_value=6),
    params=strategy("string", max_size=60),
    with_dataset=strategy("bool"),
    sponsored=strategy("bool"),
)
def test_random_match_parity(
    hub, make_orders, sign_orders, domain, requester, sponsor, volumes, prices, tag, trust, category, params,
    with_dataset, sponsored,
):  # fmt: skip
    orders = make_orders(
        with_dataset=with_dataset,
        sign=False,
        app_price=prices[0],
        dataset_price=prices[1],
        workerpool_price=prices[2],
        tag=TAG_BITS[tag],
        trust=trust,
        category=category,
        params=params,
    )
    for order, volume in zip(orders, volumes, strict=True):
        order.volume = volume
    sign_orders(orders)
    assert check_compatibility(*orders, category_count=hub.countCategory()) is None
    expected_volume = deal_volume(*orders)
    assert hub.computeDealVolume(*orders.as_args()) == expected_volume
    match = hub.sponsorMatchOrders if sponsored else hub.matchOrders
    tx = match(*orders.as_args(), {"from": sponsor if sponsored else requester})
    event = tx.events["OrdersMatched"]
    hashes = ["0x" + h.hex() for h in orders.hashes(domain)]
    assert [event["appHash"], event["datasetHash"], event["workerpoolHash"], event["requestHash"]] == hashes
    assert event["volume"] == expected_volume
    # the same orders again: what is left, as the Python model computes it
    left = deal_volume(*orders, *(expected_volume if h != "0x" + "00" * 32 else 0 for h in hashes))
    assert hub.computeDealVolume(*orders.as_args()) == left
