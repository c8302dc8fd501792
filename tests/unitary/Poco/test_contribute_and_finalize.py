"""contributeAndFinalize: the trust-1 fast path (SPECIFICATION §4.10)."""

from brownie import web3
from custom_errors import reverts_with
from fixtures.chain import ESCROW_FUNDS, escrow_state
from fixtures.poco import APP_PRICE, WORKERPOOL_PRICE, digest_of, event_names

from offchain.protocol import hashing
from offchain.protocol.constants import CONTRIBUTION_PROVED, TASK_COMPLETED, TASK_REVEALING

from .test_contribute import ENCLAVE, ENCLAVE_KEY

R = digest_of("result")
RESULTS = b"fast-results"


def test_fast_path_completes_and_pays(new_task, workers, hub, requester, app_owner, scheduler):
    task = new_task(trust=1)
    w = workers[0]
    tx = task.contribute_and_finalize(w, R, RESULTS)
    worker_reward = WORKERPOOL_PRICE * 99 // 100
    assert escrow_state(hub, requester, app_owner, scheduler, w) == {
        requester.address: (ESCROW_FUNDS - APP_PRICE - WORKERPOOL_PRICE, 0),
        app_owner.address: (APP_PRICE, 0),
        scheduler.address: (ESCROW_FUNDS + WORKERPOOL_PRICE - worker_reward, 0),
        w.address: (ESCROW_FUNDS + worker_reward, 0),  # no stake was ever locked
    }
    assert "Lock" not in tx.events
    assert hub.viewScore(w) == 0
    res_hash = hashing.result_hash(task.id, R)
    view = task.view()
    assert view[0] == TASK_COMPLETED
    assert view[5] == tx.timestamp + 2 * task.deal.model.timeref
    assert view[7] == "0x" + res_hash.hex()
    assert (view[8], view[9]) == (1, 1)
    assert list(view[10]) == [w]
    assert view[11] == "0x" + R.hex()
    assert view[12] == "0x" + RESULTS.hex()
    contribution = hub.viewContribution(task.id, w)
    assert contribution[0] == CONTRIBUTION_PROVED
    assert contribution[1] == "0x" + res_hash.hex()
    assert contribution[2] == "0x" + hashing.result_seal(w.address, task.id, R).hex()
    protocol_events = [n for n in event_names(tx) if n.startswith("Task")]
    assert protocol_events == ["TaskContribute", "TaskConsensus", "TaskReveal", "TaskFinalize"]


def test_fast_path_with_enclave(new_task, workers, hub):
    task = new_task(trust=1, tag=1)
    task.contribute_and_finalize(workers[0], R, RESULTS, enclave_key=ENCLAVE_KEY)
    assert hub.viewContribution(task.id, workers[0])[3] == ENCLAVE


def test_fast_path_tee_without_enclave_reverts(new_task, workers):
    task = new_task(trust=1, tag=1)
    with reverts_with("EnclaveRequired", task.id):
        task.contribute_and_finalize(workers[0], R, RESULTS)


def test_fast_path_needs_trust_one(new_task, workers):
    task = new_task(trust=2)
    with reverts_with("TrustIsNotOne", task.id, 2):
        task.contribute_and_finalize(workers[0], R, RESULTS)


def test_fast_path_trust_zero_counts_as_one(new_task, workers):
    task = new_task(trust=0)
    task.contribute_and_finalize(workers[0], R, RESULTS)
    assert task.status == TASK_COMPLETED


def test_fast_path_after_a_contribution_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], R)
    with reverts_with("TaskNotActive", task.id, TASK_REVEALING):
        task.contribute_and_finalize(workers[1], R, RESULTS)


def test_fast_path_bad_authorization_reverts(new_task, workers, scheduler):
    task = new_task(trust=1)
    with reverts_with("InvalidAuthorization", task.id, workers[0], scheduler):
        task.contribute_and_finalize(workers[0], R, RESULTS, authorization=task.authorization(workers[1]))


def test_fast_path_callback_data_must_match(new_task, workers):
    task = new_task(trust=1)
    with reverts_with("CallbackDataMismatch", task.id, R):
        task.contribute_and_finalize(workers[0], R, RESULTS, callback=b"x")
    data = b"callback"
    task.contribute_and_finalize(workers[0], web3.keccak(data), RESULTS, callback=data)
    assert task.view()[14] == "0x" + data.hex()
