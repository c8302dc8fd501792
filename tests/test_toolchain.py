"""The local chain is the one brownie-config.yaml asks for."""

from brownie import accounts, chain, web3


def test_accounts():
    assert len(accounts) >= 20
    assert accounts[0].balance() > 0


def test_block_gas_limit():
    assert chain.block_gas_limit == 30_000_000
    assert web3.eth.get_block("latest")["gasLimit"] == 30_000_000


def test_base_fee_is_zero():
    assert web3.eth.get_block("latest")["baseFeePerGas"] == 0


def test_transfer_without_gas_price():
    # a plain transaction goes through with brownie's development defaults (no fee settings)
    before = accounts[1].balance()
    tx = accounts[0].transfer(accounts[1], "1 ether")
    assert tx.status == 1
    assert accounts[1].balance() == before + 10**18
