"""token / registries getters, teebroker / setTeeBroker, callbackgas / setCallbackGas, unknown selectors."""

import brownie
from brownie import ZERO_ADDRESS, web3
from custom_errors import reverts_with

from offchain.protocol.constants import DEFAULT_CALLBACK_GAS


def test_addresses(poco):
    hub = poco.hub
    assert hub.token() == poco.token
    assert hub.appregistry() == poco.app_registry
    assert hub.datasetregistry() == poco.dataset_registry
    assert hub.workerpoolregistry() == poco.workerpool_registry


def test_tee_broker_defaults_to_zero(hub):
    assert hub.teebroker() == ZERO_ADDRESS


def test_set_tee_broker(hub, owner, anyone):
    tx = hub.setTeeBroker(anyone, {"from": owner})
    assert hub.teebroker() == anyone
    assert tx.events["TeeBrokerUpdated"].values() == [ZERO_ADDRESS, anyone]


def test_set_tee_broker_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.setTeeBroker(anyone, {"from": anyone})


def test_callback_gas_default(hub):
    assert hub.callbackgas() == DEFAULT_CALLBACK_GAS == 200_000


def test_set_callback_gas(hub, owner):
    tx = hub.setCallbackGas(300_000, {"from": owner})
    assert hub.callbackgas() == 300_000
    assert tx.events["CallbackGasUpdated"].values() == [DEFAULT_CALLBACK_GAS, 300_000]


def test_set_callback_gas_by_non_owner_reverts(hub, owner, anyone):
    with reverts_with("CallerIsNotTheOwner", anyone, owner):
        hub.setCallbackGas(1, {"from": anyone})


def test_unknown_selector_reverts(hub, anyone):
    with reverts_with("UnknownFunction", bytes.fromhex("deadbeef")):
        anyone.transfer(hub, 0, data="0xdeadbeef")


def test_plain_ether_is_refused(hub, anyone):
    with reverts_with("FallbackDisabled"):
        anyone.transfer(hub, 1)
    assert web3.eth.get_balance(hub.address) == 0


def test_ether_with_a_call_is_refused_by_non_payable_modules(hub, requester):
    with brownie.reverts():
        requester.transfer(hub, 1, data=hub.approve.encode_input(requester, 1))
