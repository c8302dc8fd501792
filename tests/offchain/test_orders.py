"""offchain/protocol/orders.py without a chain: signers, typed data, builders and the matching rules."""

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from offchain.protocol.orders import (
    CLOSE,
    AppOrder,
    Domain,
    Orders,
    build_orders,
    check_compatibility,
    combined_tag,
    deal_volume,
    private_key,
    sign_hash,
)

KEY = Account.from_key("0x" + "11" * 32)
DOMAIN = Domain(chain_id=31337, verifying_contract="0x" + "22" * 20)
APP, POOL, DATASET = "0x" + "a1" * 20, "0x" + "b2" * 20, "0x" + "c3" * 20


class BrownieLike:
    """What a brownie LocalAccount looks like to the signer: a hex `private_key`."""

    private_key = "0x" + "11" * 32


def test_private_key_from_every_signer_kind(tmp_path):
    expected = bytes(KEY.key)
    hex_file = tmp_path / "key.txt"
    hex_file.write_text("11" * 32 + "\n")
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(KEY.key, "pw", kdf="pbkdf2", iterations=2)))
    assert private_key(KEY) == expected
    assert private_key(BrownieLike()) == expected
    assert private_key(expected) == expected
    assert private_key("0x" + "11" * 32) == expected
    assert private_key(str(hex_file)) == expected
    assert private_key(str(keystore), password="pw") == expected


def test_signatures_recover_to_the_signer():
    digest = b"\x33" * 32
    full, compact = sign_hash(KEY, digest), sign_hash(KEY, digest, compact=True)
    assert len(full) == 65 and len(compact) == 64
    assert Account._recover_hash(digest, signature=full) == KEY.address
    # EIP-2098: vs = s with v's parity in the top bit
    assert compact[:32] == full[:32]
    assert int.from_bytes(compact[32:], "big") == int.from_bytes(full[32:64], "big") | (full[64] - 27) << 255


def test_order_hash_is_the_wallet_typed_data_hash():
    orders = build_orders(APP, POOL, KEY.address, dataset=DATASET, params='{"a": 1}', tag=0x9)
    for order in orders:
        signable = encode_typed_data(full_message=order.typed_data(DOMAIN))
        assert Account.sign_message(signable, KEY.key).message_hash == order.hash(DOMAIN)


def test_build_orders_defaults_and_overrides():
    orders = build_orders(
        APP, POOL, KEY.address, volume=3, app_price=5, requestorder={"trust": 0, "volume": 9}
    )
    assert isinstance(orders, Orders) and not orders.has_dataset
    assert orders.dataset.as_tuple()[:-1] == ("0x" + "00" * 20, 0, 0, "0x" + "00" * 32) + (
        "0x" + "00" * 20,
    ) * 3 + ("0x" + "00" * 32,)
    assert orders.request.appmaxprice == 5 and orders.request.volume == 9 and orders.app.volume == 3
    assert orders.request.beneficiary == KEY.address
    assert orders.app.salt != orders.workerpool.salt  # random salts
    with pytest.raises(AttributeError):
        build_orders(APP, POOL, KEY.address, apporder={"nope": 1})


def test_operation_hash_differs_per_operation():
    order = AppOrder(app=APP, volume=1)
    sign_op, close_op = order.operation_hash(DOMAIN, 0), order.operation_hash(DOMAIN, CLOSE)
    assert len({sign_op, close_op, order.hash(DOMAIN)}) == 3
    assert order.operation(CLOSE)[1:] == (CLOSE, "0x")


def test_rules_in_contract_order():
    orders = build_orders(APP, POOL, KEY.address)
    assert check_compatibility(*orders, category_count=1) is None
    orders.request.category = 3
    orders.request.appmaxprice = -1  # also broken, but later in the order
    assert check_compatibility(*orders, category_count=5).name == "CategoryMismatch"
    orders.workerpool.category = 3
    assert check_compatibility(*orders, category_count=3).name == "UnknownCategory"
    assert check_compatibility(*orders, category_count=5).name == "AppOverpriced"


def test_group_membership_callback():
    group = "0x" + "99" * 20
    orders = build_orders(APP, POOL, KEY.address, apporder={"requesterrestrict": group})
    assert check_compatibility(*orders, category_count=1).name == "RequesterRestrictedByApp"
    member = lambda restriction, account: restriction == group and account == KEY.address  # noqa: E731
    assert check_compatibility(*orders, category_count=1, is_member=member) is None


def test_dataset_tag_bits_1_to_3_are_dropped():
    orders = build_orders(APP, POOL, KEY.address, dataset=DATASET, datasetorder={"tag": 0xF})
    assert combined_tag(orders.app, orders.dataset, orders.request) == 0x1


def test_deal_volume():
    orders = build_orders(APP, POOL, KEY.address, volume=10)
    orders.workerpool.volume = 4
    assert deal_volume(*orders) == 4
    assert deal_volume(*orders, consumed_request=8) == 2
    assert deal_volume(*orders, consumed_workerpool=4) == 0
    orders.dataset.volume = 0  # no dataset: its volume does not count
    assert deal_volume(*orders) == 4
