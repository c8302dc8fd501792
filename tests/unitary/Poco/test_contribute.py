"""contribute: commit to a result, lock the worker stake, detect consensus (SPECIFICATION §4.3, §4.4)."""

import brownie
from brownie import ZERO_ADDRESS, accounts
from custom_errors import reverts_with
from eth_account import Account
from fixtures.chain import ESCROW_FUNDS, escrow_state, key_of
from fixtures.poco import TIMEREF, WORKERPOOL_PRICE, digest_of

from offchain.protocol import hashing
from offchain.protocol.constants import CONTRIBUTION_CONTRIBUTED, TASK_ACTIVE, TASK_REVEALING
from offchain.protocol.orders import sign_hash

STAKE = WORKERPOOL_PRICE * 30 // 100
ENCLAVE_KEY = "0x" + "5e" * 32
ENCLAVE = Account.from_key(ENCLAVE_KEY).address


def test_contribute_locks_stake_and_records_contribution(new_task, workers, hub):
    task = new_task(trust=3)
    w = workers[0]
    digest = digest_of("result")
    tx = task.contribute(w, digest)
    res_hash, res_seal = task.commitment(w, digest)
    assert escrow_state(hub, w)[w.address] == (ESCROW_FUNDS - STAKE, STAKE)
    assert tx.events["TaskContribute"].values() == ["0x" + task.id.hex(), w, "0x" + res_hash.hex()]
    assert tx.events["Lock"].values() == [w, STAKE]
    assert hub.viewContribution(task.id, w) == (
        CONTRIBUTION_CONTRIBUTED,
        "0x" + res_hash.hex(),
        "0x" + res_seal.hex(),
        ZERO_ADDRESS,
        1,
    )
    view = task.view()
    assert view[0] == TASK_ACTIVE
    assert list(view[10]) == [w]
    assert "TaskConsensus" not in tx.events


def test_trust_one_reaches_consensus_at_first_contribution(new_task, workers):
    task = new_task(trust=1)
    digest = digest_of("result")
    tx = task.contribute(workers[0], digest)
    res_hash, _ = task.commitment(workers[0], digest)
    assert tx.events["TaskConsensus"].values() == ["0x" + task.id.hex(), "0x" + res_hash.hex()]
    view = task.view()
    assert view[0] == TASK_REVEALING
    assert view[5] == tx.timestamp + 2 * TIMEREF
    assert view[7] == "0x" + res_hash.hex()
    assert (view[8], view[9]) == (0, 1)


def test_consensus_counts_only_agreeing_winners(new_task, workers):
    # trust 3, fresh workers (weight 2): X, Y, X leaves X at 4 of total 7 (12 > 14 fails); a third X wins (24 > 22)
    task = new_task(trust=3)
    x, y = digest_of("x"), digest_of("y")
    for worker, digest in ((workers[0], x), (workers[1], y), (workers[2], x)):
        assert "TaskConsensus" not in task.contribute(worker, digest).events
    tx = task.contribute(workers[3], x)
    assert "TaskConsensus" in tx.events
    view = task.view()
    assert view[0] == TASK_REVEALING
    assert view[9] == 3  # winnerCounter: the Y contributor is not a winner


def test_contribute_to_uninitialized_task_reverts(new_deal, workers, hub):
    deal = new_deal()
    taskid = deal.task_id(0)
    with reverts_with("TaskNotActive", taskid, 0):
        hub.contribute(taskid, b"\x01" * 32, b"\x02" * 32, ZERO_ADDRESS, b"", b"", {"from": workers[0]})


def test_contribute_after_consensus_reverts(new_task, workers):
    task = new_task(trust=1)
    task.contribute(workers[0], digest_of("r"))
    with reverts_with("TaskNotActive", task.id, TASK_REVEALING):
        task.contribute(workers[1], digest_of("r"))


def test_contribute_twice_reverts(new_task, workers):
    task = new_task(trust=100)
    task.contribute(workers[0], digest_of("r"))
    with reverts_with("AlreadyContributed", task.id, workers[0]):
        task.contribute(workers[0], digest_of("other"))


def test_zero_result_hash_reverts(new_task, workers):
    task = new_task(trust=3)
    with reverts_with("ZeroResultHash", task.id):
        task.contribute(workers[0], digest_of("r"), result_hash=b"\0" * 32)


def test_zero_result_seal_reverts(new_task, workers):
    task = new_task(trust=3)
    with reverts_with("ZeroResultSeal", task.id):
        task.contribute(workers[0], digest_of("r"), result_seal=b"\0" * 32)


def test_authorization_by_another_account_reverts(new_task, workers, anyone, scheduler):
    task = new_task(trust=3)
    with reverts_with("InvalidAuthorization", task.id, workers[0], scheduler):
        task.contribute(workers[0], digest_of("r"), authorizer=anyone)


def test_authorization_for_another_worker_reverts(new_task, workers, scheduler):
    task = new_task(trust=3)
    with reverts_with("InvalidAuthorization", task.id, workers[0], scheduler):
        task.contribute(workers[0], digest_of("r"), authorization=task.authorization(workers[1]))


def test_malformed_authorization_reverts(new_task, workers, scheduler):
    task = new_task(trust=3)
    with reverts_with("InvalidAuthorization", task.id, workers[0], scheduler):
        task.contribute(workers[0], digest_of("r"), authorization=b"\x01" * 63)


def test_compact_authorization_is_accepted(new_task, workers, scheduler):
    # EIP-2098 64-byte signature over the same eth_sign message
    task = new_task(trust=3)
    message = hashing.authorization_hash(workers[0].address, task.id)
    prefixed = brownie.web3.keccak(b"\x19Ethereum Signed Message:\n32" + message)
    compact = sign_hash(key_of(scheduler), prefixed, compact=True)
    assert len(compact) == 64
    task.contribute(workers[0], digest_of("r"), authorization=compact)


def test_tee_deal_without_enclave_reverts(new_task, workers):
    task = new_task(trust=1, tag=1)
    with reverts_with("EnclaveRequired", task.id):
        task.contribute(workers[0], digest_of("r"))


def test_tee_contribution_signed_by_enclave(new_task, workers, hub):
    task = new_task(trust=1, tag=1)
    task.contribute(workers[0], digest_of("r"), enclave_key=ENCLAVE_KEY)
    assert hub.viewContribution(task.id, workers[0])[3] == ENCLAVE


def test_bad_enclave_signature_reverts(new_task, workers):
    task = new_task(trust=1, tag=1)
    wrong = hashing.sign_enclave(ENCLAVE_KEY, b"\x01" * 32, b"\x02" * 32)
    with reverts_with("InvalidEnclaveSignature", task.id, ENCLAVE):
        task.contribute(workers[0], digest_of("r"), enclave_key=ENCLAVE_KEY, enclave_sign=wrong)


def test_tee_broker_authorizes_enclave_contributions(new_task, workers, owner, hub, scheduler):
    broker = accounts[23]
    hub.setTeeBroker(broker, {"from": owner})
    task = new_task(trust=3, tag=1)
    # the scheduler's authorization is no longer enough for an enclave contribution
    with reverts_with("InvalidAuthorization", task.id, workers[0], broker):
        task.contribute(workers[0], digest_of("r"), enclave_key=ENCLAVE_KEY)
    task.contribute(workers[0], digest_of("r"), enclave_key=ENCLAVE_KEY, authorizer=broker)


def test_tee_broker_is_ignored_without_enclave(new_task, workers, owner, hub):
    hub.setTeeBroker(accounts[23], {"from": owner})
    task = new_task(trust=3)
    task.contribute(workers[0], digest_of("r"))  # the scheduler authorizes


def test_contribute_without_enough_stake_reverts(new_task, accounts, hub):
    task = new_task(trust=3)
    poor = accounts[22]  # funded with RLC by nobody's escrow: no deposit
    with reverts_with("InsufficientBalance", poor, 0, STAKE):
        task.contribute(poor, digest_of("r"))


def test_weight_grows_with_score(new_task, workers, hub):
    # log2(max(s // 3, 3) - 1): a fresh worker has log-weight 1
    task = new_task(trust=100)
    task.contribute(workers[0], digest_of("r"))
    assert hub.viewContribution(task.id, workers[0])[4] == 1
    assert hub.viewScore(workers[0]) == 0
