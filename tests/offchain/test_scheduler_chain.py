"""The scheduler engine against the real contracts: deals become tasks, workers are assigned by the predictor, the
scheduler initializes, elects an uploader, finalizes; lost workers are replaced; silent winners lead to a reopen."""

import io
import json
import zipfile

import pytest
from brownie import chain
from fixtures.scheduler import SimWorker
from sqlalchemy import func, select

from offchain.protocol import constants as C
from offchain.protocol import workflow as wf
from offchain.scheduler.store import CURSORS, Deal, Task, TxRecord

pytestmark = pytest.mark.usefixtures("core_contracts")  # a build without the contracts fails here, loudly

STAKE = 100 * 10**9


@pytest.fixture
def staked_workers(workers, deposit):
    for w in workers[:6]:
        deposit(w, STAKE)
    return workers[:6]


def run(sched, sims, rounds=60, until=None):
    for _ in range(rounds):
        for sim in sims:
            sim.step()
        sched.tick()
        if until and until():
            return True
    return False


def statuses(sched):
    with sched.store.read() as s:
        return {t.task_id: t.status for t in s.scalars(select(Task))}


def all_done(sched, n):
    st = statuses(sched)
    return len(st) == n and all(v == wf.COMPLETED for v in st.values())


def test_a_replicated_bag_of_tasks_completes(live_scheduler, pool_deal, staked_workers, hub):
    pool_deal(volume=4, trust=4)
    sched, client = live_scheduler()
    sims = [SimWorker(client, w, hub) for w in staked_workers[:4]]
    assert run(sched, sims, until=lambda: all_done(sched, 4))
    for task_id in statuses(sched):
        task = hub.viewTask(task_id)
        assert task["status"] == C.TASK_COMPLETED
        assert len(task["contributors"]) == 2  # trust 4: two fresh workers agree, nobody else was asked
        assert json.loads(bytes(task["results"]).decode()) == {
            "storage": "scheduler",
            "location": f"/results/{task_id}",
        }
        assert zipfile.ZipFile(io.BytesIO(client.get(f"/results/{task_id}").content)).read("result.txt") == (
            b"result of " + task_id.encode()
        )
    with sched.store.read() as s:
        records = s.scalars(select(TxRecord)).all()
    assert {r.state for r in records} == {"MINED"}
    assert [r.kind for r in records].count("initialize") == 1  # one initializeArray for the whole bag


def test_a_wrong_worker_is_outvoted_and_seized(live_scheduler, pool_deal, staked_workers, hub):
    pool_deal(volume=1, trust=4)
    sched, client = live_scheduler()
    cheater = SimWorker(client, staked_workers[0], hub, wrong=True)
    honest = [SimWorker(client, w, hub) for w in staked_workers[1:5]]
    stake_before = hub.viewAccount(cheater.account)[0]
    assert run(sched, [cheater, *honest], until=lambda: all_done(sched, 1))
    (task_id,) = statuses(sched)
    task = hub.viewTask(task_id)
    assert cheater.account.address in task["contributors"]
    assert len(task["contributors"]) == 5  # bad + 4 good: 16*4 > 19*3
    assert hub.viewAccount(cheater.account)[0] < stake_before
    assert hub.viewScore(cheater.account) == 0


def test_a_lost_worker_is_replaced_before_the_deadline(live_scheduler, pool_deal, staked_workers, hub):
    pool_deal(volume=1, trust=1)
    sched, client = live_scheduler(worker_lost_after=0.3)
    crashing = SimWorker(client, staked_workers[0], hub)
    crashing.login()
    offer = crashing.call("get", "/replicates/available", params={"blockNumber": 1})
    assert offer.status_code == 200
    task_id = offer.json()["taskId"]
    other = SimWorker(client, staked_workers[1], hub)
    other.step()
    assert not other.tasks  # trust 1: one live replicate is enough
    sched.clock.advance(0.4)  # nobody pings meanwhile: the first worker is lost
    sched.tick()
    assert run(sched, [other], until=lambda: all_done(sched, 1))
    assert hub.viewTask(task_id)["contributors"] == [other.account.address]
    detail = client.get(f"/tasks/{task_id}").json()
    assert {
        "worker": crashing.account.address,
        "from": "CREATED",
        "to": "WORKER_LOST",
        "by": "POOL_MANAGER",
        "cause": "no ping",
    } in detail["replicateHistory"]


def test_silent_winners_lead_to_a_reopen_then_completion(live_scheduler, pool_deal, staked_workers, hub):
    pool_deal(volume=1, trust=4)
    sched, client = live_scheduler()
    lazy = [SimWorker(client, w, hub, reveal=False) for w in staked_workers[:2]]
    assert run(sched, lazy, rounds=20, until=lambda: wf.CONSENSUS_REACHED in statuses(sched).values())
    (task_id,) = statuses(sched)
    chain.sleep(2 * 300 + 1)  # past the reveal deadline (2 x T, category 0)
    chain.mine()
    sched.tick()
    assert hub.viewTask(task_id)["status"] == C.TASK_ACTIVE
    assert statuses(sched)[task_id] == wf.INITIALIZED
    fresh = [SimWorker(client, w, hub) for w in staked_workers[2:5]]
    assert run(sched, fresh, until=lambda: all_done(sched, 1))
    with sched.store.read() as s:
        kinds = [r.kind for r in s.scalars(select(TxRecord))]
    assert kinds == ["initialize", "reopen", "finalize"]


def test_tasks_past_the_final_deadline_fail_and_get_claimed(
    live_scheduler, pool_deal, staked_workers, hub, requester
):
    pool_deal(volume=2, trust=4)
    sched, client = live_scheduler()
    lone = SimWorker(client, staked_workers[0], hub)  # one contribution: not enough at trust 4
    run(sched, [lone], rounds=3)
    worker_account = hub.viewAccount(lone.account)
    assert worker_account[1] > 0  # its stake is locked in the task
    frozen_before = hub.viewAccount(requester)[1]
    chain.sleep(10 * 300 + 1)
    chain.mine()
    sched.tick()
    assert set(statuses(sched).values()) == {wf.FAILED}
    for task_id in statuses(sched):
        assert hub.viewTask(task_id)["status"] == C.TASK_FAILED
    assert hub.viewAccount(lone.account) == (worker_account[0] + worker_account[1], 0)  # stake unlocked
    assert hub.viewAccount(requester)[1] < frozen_before  # requester refunded
    with sched.store.read() as s:
        assert [r.kind for r in s.scalars(select(TxRecord))] == ["initialize", "claim"]
        assert not any(t.claim_pending for t in s.scalars(select(Task)))


def test_a_callback_deal_is_finalized_with_the_callback_data(
    live_scheduler, pool_deal, staked_workers, hub, accounts
):
    from brownie import CallbackRecorder

    recorder = CallbackRecorder.deploy({"from": accounts[0]})
    pool_deal(volume=1, trust=1, callback=str(recorder.address))
    sched, client = live_scheduler()
    sim = SimWorker(client, staked_workers[0], hub)
    assert run(sched, [sim], until=lambda: all_done(sched, 1))
    (task_id,) = statuses(sched)
    expected = b"answer for " + task_id.encode()
    assert bytes(hub.viewTask(task_id)["resultsCallback"]) == expected  # read back from the uploaded archive
    assert bytes(recorder.results(task_id)) == expected


def test_replaying_the_logs_creates_nothing_twice(live_scheduler, pool_deal, hub):
    pool_deal(volume=3, trust=4)
    sched, _client = live_scheduler()
    before = statuses(sched)
    assert len(before) == 3
    with sched.store.tx() as s:  # as if the cursor had been lost: scan everything again
        s.execute(CURSORS.update().values(next_block=0))
    sched.tick()
    assert statuses(sched) == before
    with sched.store.read() as s:
        assert [r.kind for r in s.scalars(select(TxRecord))] == ["initialize"]


def test_a_deal_whose_trust_no_consensus_can_reach_is_skipped(live_scheduler, pool_deal):
    """The store keeps trust in a signed 64-bit column: a larger trust is refused up front, not a failed insert."""
    deal_id = pool_deal(volume=2, trust=2**63)
    sched, _client = live_scheduler()
    with sched.store.read() as s:
        deal = s.get(Deal, "0x" + bytes(deal_id).hex())
        assert s.scalar(select(func.count()).select_from(Task)) == 0
    assert deal is not None and not deal.accepted and "trust" in deal.reason
