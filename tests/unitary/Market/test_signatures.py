"""Who can vouch for an order: 65-byte and 64-byte (EIP-2098) ECDSA, ERC-1271 contracts, presignatures that follow
the asset's current owner; plain eth_account EIP-712 signing against the hub's own domain()."""

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from fixtures.chain import key_of
from fixtures.orders import reverts_with

from offchain.protocol.orders import CLOSE, SIGN, Domain, sign_hash


@pytest.fixture
def identity(TestIdentity, requester):
    """An identity contract whose ERC-1271 signer is the requester's key."""
    return TestIdentity.deploy(requester, {"from": requester})


def test_65_byte_signatures(hub, make_orders, requester):
    orders = make_orders(with_dataset=True)
    assert all(len(o.sign) == 65 for o in orders)
    hub.matchOrders(*orders.as_args(), {"from": requester})


def test_64_byte_eip2098_signatures(hub, make_orders, requester):
    orders = make_orders(with_dataset=True, compact=True)
    assert all(len(o.sign) == 64 for o in orders)
    hub.matchOrders(*orders.as_args(), {"from": requester})


def test_eth_account_typed_data_signature_with_hub_domain(hub, make_orders, requester, scheduler):
    # what a wallet does: EIP-712 typed data over the domain the hub reports
    orders = make_orders()
    message = orders.request.typed_data(Domain.from_tuple(hub.domain()))
    assert message["domain"]["name"] == "iExecODB" and message["domain"]["version"] == "5.0.0"
    assert message["domain"]["verifyingContract"] == hub.address
    signed = Account.sign_message(encode_typed_data(full_message=message), key_of(requester))
    orders.request.sign = bytes(signed.signature)
    hub.matchOrders(*orders.as_args(), {"from": scheduler})


def test_erc1271_contract_requester(hub, make_orders, identity, sponsor):
    orders = make_orders(
        requester=identity
    )  # the request is signed with the requester's key, the identity's signer
    tx = hub.sponsorMatchOrders(*orders.as_args(), {"from": sponsor})
    assert hub.viewDeal(tx.events["OrdersMatched"]["dealid"])["requester"] == identity


def test_erc1271_revert_is_invalid(hub, make_orders, domain, identity, requester, sponsor):
    identity.setReverting(True, {"from": requester})
    orders = make_orders(requester=identity)
    with reverts_with("InvalidRequestOrderSignature", orders.request.hash(domain), identity.address):
        hub.sponsorMatchOrders(*orders.as_args(), {"from": sponsor})


def test_erc1271_garbage_answer_is_invalid(hub, make_orders, domain, GarbageIdentity, requester, sponsor):
    garbage = GarbageIdentity.deploy({"from": requester})
    orders = make_orders(requester=garbage)
    with reverts_with("InvalidRequestOrderSignature", orders.request.hash(domain), garbage.address):
        hub.sponsorMatchOrders(*orders.as_args(), {"from": sponsor})


def test_erc1271_contract_app_owner(
    hub, make_orders, market, app_registry, TestIdentity, app_owner, requester
):
    wallet = TestIdentity.deploy(app_owner, {"from": app_owner})
    app_registry.transferFrom(app_owner, wallet, int(market.app, 16), {"from": app_owner})
    orders = make_orders()  # signed with app_owner's key, now the signer of the owning contract
    tx = hub.matchOrders(*orders.as_args(), {"from": requester})
    assert hub.viewDeal(tx.events["OrdersMatched"]["dealid"])["app"][1] == wallet


def test_presigned_app_order(hub, make_orders, domain, app_owner, requester):
    orders = make_orders()
    tx = hub.manageAppOrder(orders.app.operation(SIGN), {"from": app_owner})
    app_hash = orders.app.hash(domain)
    assert tx.events["SignedAppOrder"].values() == ["0x" + app_hash.hex()]
    assert hub.viewPresigned(app_hash) == app_owner
    orders.app.sign = b""
    hub.matchOrders(*orders.as_args(), {"from": requester})


def test_presignature_follows_nft_owner(
    hub, make_orders, domain, market, app_registry, app_owner, anyone, requester
):
    # invariant 14: transferring the app makes the old owner's presignature worthless
    orders = make_orders()
    hub.manageAppOrder(orders.app.operation(SIGN), {"from": app_owner})
    orders.app.sign = b""
    app_registry.transferFrom(app_owner, anyone, int(market.app, 16), {"from": app_owner})
    with reverts_with("InvalidAppOrderSignature", orders.app.hash(domain), anyone.address):
        hub.matchOrders(*orders.as_args(), {"from": requester})
    assert not hub.verifyPresignature(anyone, orders.app.hash(domain))
    assert hub.verifyPresignature(app_owner, orders.app.hash(domain))  # stored, but app_owner is no owner now


def test_presign_by_contract_requester_through_signed_operation(
    hub, make_orders, domain, identity, anyone, sponsor
):
    orders = make_orders(requester=identity)
    operation = orders.request.operation(SIGN, domain, key_of_requester(identity))
    hub.manageRequestOrder(operation, {"from": anyone})  # relayed: the identity cannot send transactions
    orders.request.sign = b""
    hub.sponsorMatchOrders(*orders.as_args(), {"from": sponsor})


def key_of_requester(identity):
    """The key behind a TestIdentity: its controller's."""
    return key_of(identity.controller())


def test_verify_signature_views(hub, domain, requester, anyone, identity):
    digest = b"\x42" * 32
    sig65, sig64 = sign_hash(key_of(requester), digest), sign_hash(key_of(requester), digest, compact=True)
    assert hub.verifySignature(requester, digest, sig65)
    assert hub.verifySignature(requester, digest, sig64)
    assert not hub.verifySignature(anyone, digest, sig65)
    assert not hub.verifySignature(requester, digest, sig65[:63])
    assert not hub.verifySignature("0x" + "00" * 20, digest, b"\x00" * 65)
    assert hub.verifySignature(identity, digest, sig65)  # ERC-1271
    assert not hub.verifyPresignature(requester, digest)
    assert hub.verifyPresignatureOrSignature(requester, digest, sig64)
    assert not hub.verifyPresignatureOrSignature(requester, digest, b"")


def test_close_signature_does_not_authorize_sign(hub, make_orders, domain, requester, anyone):
    # the operation is part of the signed hash: a relayed CLOSE signature cannot be replayed as a SIGN
    orders = make_orders()
    operation = list(orders.request.operation(CLOSE, domain, key_of(requester)))
    operation[1] = SIGN
    with reverts_with("InvalidSenderOrSignature", anyone.address, requester.address):
        hub.manageRequestOrder(operation, {"from": anyone})


def test_domain_separator_matches_the_hub(hub, domain):
    assert domain.separator() == bytes(hub.eip712domain_separator())
