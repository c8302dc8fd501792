"""TxSender's nonce manager against a real anvil that loses transactions: a node restarted from a state dump a
block old (evm_snapshot/evm_revert), a node that drops its pool, a transaction stuck in the pool; waits are
bounded and leave a handle to poll."""

from contextlib import contextmanager

import pytest
from brownie import LogEmitter, web3
from web3 import HTTPProvider, Web3

from offchain.chain import abi as abis
from offchain.chain.errors import NodeUnavailable, TxPending
from offchain.chain.tx import TxSender
from offchain.devnet_keys import dev_private_key


@pytest.fixture(scope="module")
def w3():
    return Web3(HTTPProvider(web3.provider.endpoint_uri))


@pytest.fixture(scope="module")
def emitter(accounts):
    return LogEmitter.deploy({"from": accounts[0]})


@pytest.fixture
def contract(w3, emitter):
    abis.reload()
    return w3.eth.contract(address=emitter.address, abi=emitter.abi)


def rpc(w3, method, *params):
    reply = w3.provider.make_request(method, list(params))
    assert "error" not in reply, reply
    return reply["result"]


@contextmanager
def automine_off(w3):
    rpc(w3, "evm_setAutomine", False)
    try:
        yield
    finally:
        rpc(w3, "evm_setAutomine", True)


def test_a_node_that_forgets_the_last_block_gets_the_lost_transaction_again(w3, contract, emitter):
    # receipt_timeout bounds the old failure (a send at a nonce the chain never reaches) to 10 s
    sender = TxSender(w3, dev_private_key(28).hex(), receipt_timeout=10)
    sender.send(contract.functions.setValue(1))
    snapshot = rpc(w3, "evm_snapshot")
    lost = sender.send(contract.functions.setValue(2))
    nonce = w3.eth.get_transaction(lost["transactionHash"])["nonce"]
    rpc(w3, "evm_revert", snapshot)  # the node restarts from a dump taken one block earlier
    assert w3.eth.get_transaction_count(sender.address) == nonce and emitter.value() == 1

    receipt = sender.send(contract.functions.setValue(3))

    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == nonce + 1
    again = w3.eth.get_transaction_receipt(lost["transactionHash"])  # the same signed bytes, mined again
    assert again["status"] == 1 and again["blockNumber"] < receipt["blockNumber"]
    assert w3.eth.get_transaction(lost["transactionHash"])["nonce"] == nonce
    assert emitter.value() == 3 and sender.resent == 1
    assert w3.eth.get_transaction_count(sender.address) == nonce + 2 and sender.pending_count() == 0


def test_waits_are_bounded_and_a_dropped_pool_transaction_is_sent_again(w3, contract, emitter):
    sender = TxSender(w3, dev_private_key(28).hex(), recheck_interval=0, replace_after=None)
    with automine_off(w3):
        handle = sender.submit(contract.functions.setValue(4))
        with pytest.raises(TxPending) as info:
            handle.wait(timeout=0.5)  # nothing gets mined: the wait ends anyway
        assert info.value.handle is handle and handle.poll() is None
        rpc(w3, "anvil_dropAllTransactions")  # the node restarts with an empty pool
        assert handle.poll() is None and sender.resent == 1
        rpc(w3, "evm_mine")
        receipt = handle.poll()
    assert receipt["status"] == 1 and "0x" + bytes(receipt["transactionHash"]).hex() == handle.tx_hash
    assert emitter.value() == 4


def test_a_transaction_stuck_in_the_pool_is_replaced_with_higher_fees(w3, contract, emitter):
    sender = TxSender(w3, dev_private_key(28).hex(), recheck_interval=0, replace_after=0)
    with automine_off(w3):
        handle = sender.submit(contract.functions.setValue(5))
        first = handle.tx_hash
        assert handle.poll() is None  # in the pool for longer than replace_after: bumped
        assert sender.replaced == 1 and handle.hashes == [first, handle.tx_hash] and handle.tx_hash != first
        rpc(w3, "evm_mine")
        receipt = handle.wait(timeout=10)
    assert "0x" + bytes(receipt["transactionHash"]).hex() == handle.tx_hash
    mined = w3.eth.get_transaction(handle.tx_hash)
    assert mined["nonce"] == handle.nonce and mined["maxPriorityFeePerGas"] > 0
    assert emitter.value() == 5


def test_a_local_nonce_ahead_of_the_chain_is_not_trusted(w3, contract, emitter):
    """A nonce the chain would never reach (no transaction of ours holds the ones before it) is never used."""
    sender = TxSender(w3, dev_private_key(28).hex())
    start = w3.eth.get_transaction_count(sender.address)
    sender._nonce = start + 5  # what the old max(local, chain) rule would have trusted
    receipt = sender.send(contract.functions.setValue(6))
    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == start


def test_a_send_lost_on_the_way_frees_its_nonce(w3, contract, emitter):
    """The node went away during the broadcast (NodeUnavailable): the caller was told it failed; if the node never
    got it, the next send takes its nonce instead of waiting behind it."""
    sender = TxSender(w3, dev_private_key(28).hex(), receipt_timeout=10)
    start = w3.eth.get_transaction_count(sender.address)
    real = sender._send_raw

    def unreachable(raw, label):
        raise NodeUnavailable("eth_sendRawTransaction: connection refused after 5 attempt(s)")

    sender._send_raw = unreachable
    with pytest.raises(NodeUnavailable):
        sender.send(contract.functions.setValue(7))
    sender._send_raw = real
    receipt = sender.send(contract.functions.setValue(8))
    assert w3.eth.get_transaction(receipt["transactionHash"])["nonce"] == start
    assert emitter.value() == 8
