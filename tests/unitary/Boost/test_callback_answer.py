"""A result consumer's answer costs the worker nothing: the hub runs every callback (Boost push and classic finalize)
without copying its return data, so a consumer answering 250 kB costs a settlement what a silent one costs."""

import pytest
from brownie import CallbackLargeAnswer, web3
from eth_abi import encode

ANSWER = 250_000
TOLERANCE = 5_000  # signature bytes differ between the transactions; copying the answer would cost ~150k
CONSUMER_FLOOR = 100_000  # either consumer spends ~143k expanding its memory to 250 kB: proves that it ran
DATA = b'{"price": 42}'


@pytest.fixture(scope="module")
def large(requester):
    return CallbackLargeAnswer.deploy(ANSWER, {"from": requester})


@pytest.fixture(scope="module")
def silent(requester):
    return CallbackLargeAnswer.deploy(0, {"from": requester})


def test_consumers_answer_what_they_say(large, silent):
    call = web3.keccak(text="receiveResult(bytes32,bytes)")[:4] + encode(
        ["bytes32", "bytes"], [bytes(32), DATA]
    )
    assert len(web3.eth.call({"to": large.address, "data": call})) == ANSWER
    assert len(web3.eth.call({"to": silent.address, "data": call})) == 0


@pytest.mark.usefixtures("boost_assets")
def test_push_cost_does_not_depend_on_the_answer(boost_deal, push_boost, workers, large, silent):
    worker = workers[0]
    plain_deal, _, _ = boost_deal()
    silent_deal, _, _ = boost_deal(callback=silent.address)
    large_deal, _, _ = boost_deal(callback=large.address)
    # the first push warms what every later push finds written (the worker's account word among others)
    plain = push_boost(plain_deal, 0, worker)
    without = push_boost(silent_deal, 0, worker, callback_data=DATA, callback=silent.address)
    with_answer = push_boost(large_deal, 0, worker, callback_data=DATA, callback=large.address)
    assert without.gas_used - plain.gas_used > CONSUMER_FLOOR
    assert abs(with_answer.gas_used - without.gas_used) <= TOLERANCE, (with_answer.gas_used, without.gas_used)
