"""domain / eip712domain_separator / updateDomainSeparator, and the constant getters vs offchain/protocol."""

from brownie import chain, web3

from offchain.protocol import constants
from offchain.protocol.orders import Domain


def test_domain(hub):
    assert hub.domain() == ("iExecODB", "5.0.0", chain.id, hub.address)


def test_separator_matches_offchain_domain(hub):
    assert hub.eip712domain_separator() == "0x" + Domain(chain.id, hub.address).separator().hex()


def test_update_domain_separator_changes_nothing(hub, anyone):
    before = hub.eip712domain_separator()
    hub.updateDomainSeparator({"from": anyone})
    assert hub.eip712domain_separator() == before


def test_constants_match_offchain(hub, token):
    assert 10 ** token.decimals() == constants.NRLC_PER_RLC
    assert hub.contribution_deadline_ratio() == constants.CONTRIBUTION_DEADLINE_RATIO
    assert hub.reveal_deadline_ratio() == constants.REVEAL_DEADLINE_RATIO
    assert hub.final_deadline_ratio() == constants.FINAL_DEADLINE_RATIO
    assert hub.workerpool_stake_ratio() == constants.WORKERPOOL_STAKE_RATIO
    assert hub.kitty_ratio() == constants.KITTY_RATIO
    assert hub.kitty_min() == constants.KITTY_MIN
    assert hub.kitty_address() == constants.KITTY_ADDRESS
    assert hub.groupmember_purpose() == constants.GROUPMEMBER_PURPOSE
    assert hub.callbackgas() == constants.DEFAULT_CALLBACK_GAS


def test_storage_sits_at_the_erc7201_slot(hub, owner):
    # HubStorage.SLOT is written as a literal: the layout's first word (the owner) must be at the namespaced slot
    inner = int.from_bytes(web3.keccak(text="poco.storage.Hub"), "big") - 1
    slot = int.from_bytes(web3.keccak(inner.to_bytes(32, "big")), "big") & ~0xFF
    word = int.from_bytes(web3.eth.get_storage_at(hub.address, slot), "big")
    assert word & (2**160 - 1) == int(owner.address, 16)
