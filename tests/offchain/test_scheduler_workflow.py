"""Workflow tables (offchain/protocol/workflow.py), the predictor and the store's compare-and-set writes."""

import pytest
from fixtures.scheduler import FakeChain, add_task
from hypothesis import given, settings  # pure Python, no chain state: plain hypothesis is fast
from hypothesis import strategies as st
from sqlalchemy import select

from offchain.protocol import workflow as wf
from offchain.protocol.consensus import Consensus, needs_more_workers, worker_weight, workers_needed
from offchain.protocol.messages import InterruptedNotice, NextActionReply, WorkOffer
from offchain.protocol.statuses import AbortCause, NextAction, ReplicateStatus, TaskStatus
from offchain.scheduler.store import ReplicateHistory, Store, Task, TaskHistory


def test_tables_only_name_known_statuses():
    for src, targets in wf.TASK_TRANSITIONS.items():
        assert targets <= wf.TASK_STATUSES, src
    for src, targets in wf.REPLICATE_TRANSITIONS.items():
        assert targets <= wf.REPLICATE_STATUSES, src
    assert wf.WORKER_REPORTS <= wf.REPLICATE_STATUSES
    assert set(wf.NEXT_ACTION_AFTER_REPORT) == wf.WORKER_REPORTS
    assert set(wf.NEXT_ACTION_AFTER_REPORT.values()) <= wf.NEXT_ACTIONS


def test_enums_are_the_wire_vocabularies():
    """The enums name exactly the statuses the tables use, each value its own name (what the database holds)."""
    assert set(TaskStatus) == wf.TASK_STATUSES
    assert set(ReplicateStatus) == wf.REPLICATE_STATUSES
    assert set(NextAction) == wf.NEXT_ACTIONS
    causes = {v for k, v in vars(wf).items() if k.startswith("CAUSE_")}
    assert set(AbortCause) == causes
    for enum in (TaskStatus, ReplicateStatus, NextAction, AbortCause):
        assert all(m.name == m.value for m in enum), enum


def test_workflow_names_are_the_enum_members():
    """workflow.py unpacks each enum into module names in order: every name must be bound to its own member."""
    prefixed = {
        ReplicateStatus: {"RESULT_UPLOADED": "R_", "COMPLETED": "R_", "FAILED": "R_"},
        AbortCause: None,
    }
    for enum in (TaskStatus, ReplicateStatus, NextAction, AbortCause):
        for member in enum:
            if enum is AbortCause:
                name = "CAUSE_" + member.name
            else:
                name = (prefixed.get(enum) or {}).get(member.name, "") + member.name
            assert getattr(wf, name) is member, (enum.__name__, name)


def test_messages_round_trip_the_wire_json():
    offer = {
        "taskId": "0x" + "11" * 32,
        "dealId": "0x" + "22" * 32,
        "taskIndex": 3,
        "enclaveChallenge": "0x" + "00" * 20,
        "authorizationSign": "0x" + "ab" * 65,
        "app": {
            "address": "0x" + "33" * 20,
            "multiaddr": "docker.io/a:1",
            "checksum": "0x" + "00" * 32,
            "type": "DOCKER",
        },
        "dataset": None,
        "params": "",
        "botFirst": 0,
        "botSize": 4,
        "timeref": 300,
        "contributionDeadline": 2100,
        "finalDeadline": 3000,
        "callback": "0x" + "00" * 20,
    }
    assert WorkOffer.model_validate(offer).to_wire() == offer
    reply = {"nextAction": "PLEASE_ABORT", "extra": {"cause": "NOT_IN_CONSENSUS"}}
    parsed = NextActionReply.model_validate(reply)
    assert parsed.nextAction is NextAction.PLEASE_ABORT and parsed.extra.cause is AbortCause.NOT_IN_CONSENSUS
    assert parsed.to_wire() == reply
    assert NextActionReply(nextAction=NextAction.PLEASE_WAIT).to_wire() == {
        "nextAction": "PLEASE_WAIT",
        "extra": {},
    }
    notice = {
        "taskId": offer["taskId"],
        "nextAction": "PLEASE_REVEAL",
        "extra": {"consensus": "0x" + "44" * 32, "consensusBlock": 7},
    }
    assert InterruptedNotice.model_validate(notice).to_wire() == notice
    with pytest.raises(ValueError):
        NextActionReply.model_validate({"nextAction": "PLEASE_DANCE"})


def test_final_statuses_are_terminal_and_errors_lead_to_failed():
    for final in wf.TASK_FINAL:
        assert wf.TASK_TRANSITIONS[final] == frozenset()
    for err in wf.TASK_ERRORS:
        assert wf.TASK_TRANSITIONS[err] == {wf.FAILED}


def test_every_task_status_can_reach_an_end():
    """No trap: from every status some path leads to COMPLETED or FAILED."""
    for start in wf.TASK_STATUSES:
        seen, todo = set(), [start]
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                todo.extend(wf.TASK_TRANSITIONS[cur])
        assert seen & wf.TASK_FINAL, start


@settings(max_examples=40, deadline=None)
@given(task=st.sampled_from(sorted(wf.TASK_STATUSES)), rep=st.sampled_from(sorted(wf.REPLICATE_STATUSES)))
def test_next_action_is_always_a_known_action(task, rep):
    action, extra = wf.next_action(
        task, {"worker": "0xA", "status": rep, "result_hash": None}, consensus="0x1"
    )
    assert action in wf.NEXT_ACTIONS
    if task == wf.COMPLETED:
        assert action == wf.PLEASE_COMPLETE
    if task == wf.FAILED:
        assert action == wf.PLEASE_ABORT and extra["cause"]


def test_next_action_tells_winners_to_reveal_and_losers_to_abort():
    rep = {"worker": "0xA", "status": wf.CONTRIBUTED, "result_hash": "0xAB"}
    assert wf.next_action(wf.RUNNING, rep, consensus=None)[0] == wf.PLEASE_WAIT
    assert wf.next_action(wf.CONSENSUS_REACHED, rep, consensus="0xab")[0] == wf.PLEASE_REVEAL
    assert wf.next_action(wf.CONSENSUS_REACHED, rep, consensus="0xcd") == (
        wf.PLEASE_ABORT,
        {"cause": wf.CAUSE_NOT_IN_CONSENSUS},
    )
    revealed = {**rep, "status": wf.REVEALED}
    assert (
        wf.next_action(wf.RESULT_UPLOADING, revealed, consensus="0xab", uploader="0xa")[0] == wf.PLEASE_UPLOAD
    )
    assert (
        wf.next_action(wf.RESULT_UPLOADING, revealed, consensus="0xab", uploader="0xb")[0] == wf.PLEASE_WAIT
    )
    computed = {**rep, "status": wf.COMPUTED, "result_hash": None}
    assert wf.next_action(wf.RUNNING, computed, contribution_open=False)[0] == wf.PLEASE_ABORT


def test_a_slow_winner_still_reveals_after_the_upload_until_the_reveal_deadline():
    # the demo once stalled: the fast winner revealed and uploaded before the slow one heard of the consensus, and
    # the slow one was told to wait forever while finalize waited for its reveal
    slow = {"worker": "0xB", "status": wf.CONTRIBUTED, "result_hash": "0xab"}
    for task_status in (
        wf.CONSENSUS_REACHED,
        wf.AT_LEAST_ONE_REVEALED,
        wf.RESULT_UPLOADING,
        wf.RESULT_UPLOADED,
    ):
        assert wf.next_action(task_status, slow, consensus="0xab", uploader="0xa")[0] == wf.PLEASE_REVEAL
        assert wf.next_action(task_status, slow, consensus="0xab", reveal_open=False) == (
            wf.PLEASE_ABORT,
            {"cause": wf.CAUSE_REVEAL_TIMEOUT},
        )
    assert wf.next_action(wf.FINALIZING, slow, consensus="0xab")[0] == wf.PLEASE_WAIT


# --- consensus model and predictor --------------------------------------------------------------------------------


def test_workers_needed_matches_the_issue_examples():
    assert worker_weight(0) == 2
    assert workers_needed(4) == 2
    assert workers_needed(8) == 3
    assert workers_needed(1) == 1


def test_a_wrong_contribution_adds_its_weight_to_the_total():
    model = Consensus(4)
    assert not model.contribute("bad", 2)
    assert not model.contribute("good", 2)
    assert model.total == 5
    assert not model.contribute("good", 2)  # 4 * 4 > 7 * 3 is false
    assert not model.contribute("good", 2)  # 8 * 4 > 11 * 3 is false
    assert model.contribute("good", 2)  # 16 * 4 > 19 * 3
    assert needs_more_workers(4, [("bad", 2), ("good", 2)], [2])
    assert needs_more_workers(4, [("bad", 2), ("good", 2)], [2, 2])
    assert not needs_more_workers(4, [("bad", 2), ("good", 2)], [2, 2, 2])


@settings(max_examples=60, deadline=None)
@given(
    trust=st.integers(1, 20),
    votes=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(2, 6)), max_size=6),
)
def test_predictor_stops_asking_once_the_pending_group_would_win(trust, votes):
    """If the predictor says "enough", letting every pending worker agree with the best group reaches consensus."""
    pending = [w for h, w in votes if h == "a"]
    contributed = [(h, w) for h, w in votes if h == "b"]
    if needs_more_workers(trust, contributed, pending):
        return
    model = Consensus(trust)
    for h, w in contributed:
        model.contribute(h, w)
    best = max(model.groups, key=lambda h: (model.groups[h], h)) if model.groups else "a"
    reached = False
    for w in pending:
        reached = model.contribute(best, w) or reached
    assert reached or model.reached(best) or (trust <= 1 and (pending or contributed)) or len(votes) >= 64


# --- store ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def store(db_url):
    """A fresh store, on SQLite and on PostgreSQL."""
    store = Store(db_url)
    yield store
    store.close()


def test_task_creation_is_idempotent_per_deal_and_index(store):
    chain = FakeChain()
    first = add_task(store, chain, idx=3, status="RECEIVED")
    assert add_task(store, chain, idx=3, status="RECEIVED") == first
    with store.read() as s:
        assert len(s.scalars(select(Task)).all()) == 1


def test_compare_and_set_refuses_stale_writers_and_records_history(store):
    task_id = add_task(store, FakeChain(), status="RECEIVED")
    with store.tx() as s:
        assert store.set_task_status(s, task_id, wf.RECEIVED, wf.INITIALIZING)
    with store.tx() as s:  # a second writer still believing RECEIVED loses
        assert not store.set_task_status(s, task_id, wf.RECEIVED, wf.INITIALIZING)
    with pytest.raises(ValueError, match="not allowed"):
        with store.tx() as s:
            store.set_task_status(s, task_id, wf.INITIALIZING, wf.COMPLETED)
    with store.tx() as s:
        assert store.fail_task(s, task_id, wf.INITIALIZING, wf.INITIALIZE_FAILED, "test")
    with store.read() as s:
        history = [
            (h.from_status, h.to_status) for h in s.scalars(select(TaskHistory).order_by(TaskHistory.id))
        ]
        assert s.get(Task, task_id).status == wf.FAILED
    assert history == [
        (None, wf.RECEIVED),
        (wf.RECEIVED, wf.INITIALIZING),
        (wf.INITIALIZING, wf.INITIALIZE_FAILED),
        (wf.INITIALIZE_FAILED, wf.FAILED),
    ]


def test_replicate_cas_and_history(store):
    task_id = add_task(store, FakeChain())
    with store.tx() as s:
        store.add_replicate(s, task_id, "0xW", 2)
    with store.tx() as s:
        assert store.set_replicate_status(s, task_id, "0xW", wf.CREATED, wf.STARTED, "WORKER")
        assert not store.set_replicate_status(s, task_id, "0xW", wf.CREATED, wf.COMPUTED, "WORKER")
    with store.read() as s:
        rows = s.scalars(select(ReplicateHistory.to_status).order_by(ReplicateHistory.id)).all()
    assert rows == [wf.CREATED, wf.STARTED]


def test_concurrent_writers_cannot_both_win(store):
    from concurrent.futures import ThreadPoolExecutor

    task_id = add_task(store, FakeChain(), status="RECEIVED")

    def attempt(_):
        with store.tx() as s:
            return store.set_task_status(s, task_id, wf.RECEIVED, wf.INITIALIZING)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(16)))
    assert results.count(True) == 1
    with store.read() as s:
        assert len(s.scalars(select(TaskHistory).where(TaskHistory.to_status == wf.INITIALIZING)).all()) == 1
