"""Result callbacks: a consumer cannot block, starve or bill finalize; resultFor."""

import pytest
from brownie import CallbackGasBurner, CallbackLargeAnswer, CallbackRecorder, CallbackReverter, chain, web3
from brownie.exceptions import VirtualMachineError
from custom_errors import reverts_with

from offchain.protocol.constants import TASK_COMPLETED

DATA = b'{"price": 42}'
DIGEST = web3.keccak(DATA)


@pytest.fixture(scope="module")
def recorder(owner):
    return CallbackRecorder.deploy({"from": owner})


@pytest.fixture(scope="module")
def reverter(owner):
    return CallbackReverter.deploy({"from": owner})


@pytest.fixture(scope="module")
def burner(owner):
    return CallbackGasBurner.deploy({"from": owner})


def _revealed(new_task, workers, callback):
    task = new_task(trust=1, callback=callback)
    task.contribute(workers[0], DIGEST)
    task.reveal(workers[0], DIGEST)
    return task


def test_callback_receives_results(new_task, workers, recorder, hub):
    task = _revealed(new_task, workers, recorder)
    tx = task.finalize(b"results", callback=DATA)
    assert recorder.calls() == 1
    assert recorder.results(task.id) == "0x" + DATA.hex()
    assert recorder.lastSender() == hub
    assert tx.events["ResultReceived"]["taskid"] == "0x" + task.id.hex()
    assert hub.resultFor(task.id) == "0x" + DATA.hex()


def test_result_for_pending_task_reverts(new_task, workers, recorder, hub):
    task = _revealed(new_task, workers, recorder)
    with reverts_with("TaskPending", task.id, 2):
        hub.resultFor(task.id)


def test_callback_needs_matching_data(new_task, workers, recorder):
    task = _revealed(new_task, workers, recorder)
    with reverts_with("CallbackDataMismatch", task.id, DIGEST):
        task.finalize(b"results", callback=b"")
    with reverts_with("CallbackDataMismatch", task.id, DIGEST):
        task.finalize(b"results", callback=b"other")


def test_reverting_callback_does_not_block_finalize(new_task, workers, reverter):
    task = _revealed(new_task, workers, reverter)
    task.finalize(b"results", callback=DATA)
    assert task.status == TASK_COMPLETED


def test_gas_burning_callback_does_not_block_finalize(new_task, workers, burner, hub):
    task = _revealed(new_task, workers, burner)
    tx = task.finalize(b"results", callback=DATA, gas_limit=1_000_000)
    assert task.status == TASK_COMPLETED
    assert tx.gas_used < 1_000_000
    assert burner.counter() == 0  # its writes were undone by running out of gas


def test_eoa_callback_is_fine(new_task, workers, accounts):
    task = _revealed(new_task, workers, accounts[24])
    task.finalize(b"results", callback=DATA)
    assert task.status == TASK_COMPLETED


def test_starving_the_callback_reverts(new_task, workers, burner, hub):
    # Lower the gas limit step by step: a finalize either gives the callback its full callbackgas or reverts
    # (CallbackGasTooLow, or out of gas before the call); never does it complete with a starved callback.
    task = _revealed(new_task, workers, burner)
    callback_gas = hub.callbackgas()
    chain.snapshot()
    full = task.finalize(b"results", callback=DATA, gas_limit=2_000_000).gas_used
    chain.revert()
    outcomes = set()
    for gas_limit in range(full + 100_000, full - callback_gas - 100_000, -10_000):
        try:
            tx = task.finalize(b"results", callback=DATA, gas_limit=gas_limit)
        except VirtualMachineError as error:
            outcomes.add("CallbackGasTooLow" if "CallbackGasTooLow" in str(error.revert_msg) else "other")
        else:
            outcomes.add("completed")
            # completed: the burner ran with its whole allowance (it burns all of it)
            assert tx.gas_used >= callback_gas
            chain.revert()
    assert "CallbackGasTooLow" in outcomes
    assert task.status != TASK_COMPLETED


def test_fast_path_calls_callback(new_task, workers, recorder):
    task = new_task(trust=1, callback=recorder)
    task.contribute_and_finalize(workers[0], DIGEST, b"results", callback=DATA)
    assert recorder.results(task.id) == "0x" + DATA.hex()


def test_finalize_cost_does_not_depend_on_the_answer(new_task, workers, owner):
    """A consumer answering 250 kB costs finalize what a silent one costs: the hub copies no return data."""
    large = CallbackLargeAnswer.deploy(250_000, {"from": owner})
    silent = CallbackLargeAnswer.deploy(0, {"from": owner})
    # the first finalize warms what every later one finds written (account words)
    plain = _revealed(new_task, workers, None).finalize(b"results").gas_used
    without = _revealed(new_task, workers, silent).finalize(b"results", callback=DATA).gas_used
    with_answer = _revealed(new_task, workers, large).finalize(b"results", callback=DATA).gas_used
    assert without - plain > 100_000  # the consumer ran: expanding its memory to 250 kB costs ~143k
    assert abs(with_answer - without) <= 5_000, (with_answer, without)
