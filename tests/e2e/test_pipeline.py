"""End to end on a local chain with real processes: scheduler + workers as separate programs (docs/OFFCHAIN.md §8).

Each test buys a fresh deal on the shared devnet (tests/e2e/conftest.py) and checks on-chain outcomes.
"""

import time

from eth_account import Account
from eth_utils import to_bytes

from offchain.devnet_keys import dev_key
from offchain.protocol import constants as C
from offchain.protocol.hashing import result_hash
from scripts.devnet import APP_PRICE as PRICE_APP
from scripts.devnet import POOL_PRICE as PRICE_POOL
from scripts.devnet import REQUESTER


def wait_for(check, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(message)


def test_bag_of_8_tasks_at_trust_4_completes_and_everyone_is_paid(devnet, buy, workers):
    addresses = [workers(i) for i in range(4)]
    mkt = devnet.mkt

    requester = Account.from_key(dev_key(REQUESTER)).address
    before = {a: mkt.account(a) for a in [requester, *addresses]}
    deal, tasks = buy("noop", volume=8, trust=4)
    statuses = mkt.wait_tasks(tasks, timeout=200)
    assert statuses == [C.TASK_COMPLETED] * 8

    # The requester paid exactly volume x (app + pool price); nothing stays locked for anyone.
    assert mkt.account(requester)["stake"] == before[requester]["stake"] - 8 * (PRICE_APP + PRICE_POOL)
    for a in addresses:
        assert mkt.account(a)["locked"] == before[a]["locked"] == 0
    # Every task got >= 2 agreeing contributions (trust 4 with fresh workers) and each winner was paid.
    earned = {a: mkt.account(a)["stake"] - before[a]["stake"] for a in addresses}
    contributions = 0
    for t in tasks:
        task = mkt.chain.view_task(to_bytes(hexstr=t))
        assert task["winnerCounter"] >= 2 and task["revealCounter"] == task["winnerCounter"]
        assert task["results"] and b"/results/" in bytes(task["results"])
        contributions += len(task["contributors"])
    assert sum(earned.values()) > 0 and all(v >= 0 for v in earned.values())
    assert contributions >= 16
    # The result of each task is downloadable from the scheduler's store.
    assert devnet.mkt.download(devnet.sched_url, tasks[0])[:2] == b"PK"


def test_wrong_result_worker_loses_stake_and_score_and_the_task_completes(devnet, buy, workers):
    mkt = devnet.mkt
    liar = workers(4, "--fault", "wrong-result")
    stake0, score0 = mkt.account(liar)["stake"], mkt.score(liar)
    deal, (task,) = buy("noop", volume=1, trust=4)
    tid = to_bytes(hexstr=task)
    wait_for(lambda: mkt.chain.view_contribution(tid, liar)["status"] != 0, 60, "the liar never contributed")
    honest = [workers(i) for i in range(4)]  # at trust 4, one liar takes 4 honest workers to outvote
    assert mkt.wait_tasks([task], timeout=200) == [C.TASK_COMPLETED]

    worker_stake = mkt.chain.view_deal(to_bytes(hexstr=deal))["workerStake"]
    lie = mkt.chain.view_contribution(tid, liar)
    assert lie["status"] == C.CONTRIBUTION_CONTRIBUTED  # never PROVED: it was outvoted
    assert bytes(lie["resultHash"]) != bytes(mkt.chain.view_task(tid)["consensusValue"])
    assert mkt.account(liar) == {"stake": stake0 - worker_stake, "locked": 0}
    assert mkt.score(liar) == score0 * 2 // 3
    task_view = mkt.chain.view_task(tid)
    winners = [w for w in honest if mkt.chain.view_contribution(tid, w)["status"] == C.CONTRIBUTION_PROVED]
    assert len(winners) == task_view["winnerCounter"] >= 2
    assert bytes(task_view["consensusValue"]) == result_hash(tid, task_view["resultDigest"])


def test_worker_killed_mid_task_is_replaced_before_the_contribution_deadline(devnet, buy, workers):
    mkt = devnet.mkt
    victim = workers(0)
    # primes over [0, 3e7) takes the only worker a few seconds: long enough to kill it mid-compute.
    deal, (task,) = buy("primes", volume=1, trust=4, params="30000000")
    tid = to_bytes(hexstr=task)
    log = devnet.procs["worker0"].log
    wait_for(lambda: "got task" in log.read_text(), 60, "worker0 never got the task")
    devnet.kill("worker0")  # SIGKILL, mid-compute
    assert mkt.chain.view_contribution(tid, victim)["status"] == C.CONTRIBUTION_UNSET
    for i in (1, 2):
        workers(i)
    assert mkt.wait_tasks([task], timeout=200) == [C.TASK_COMPLETED]
    view = mkt.chain.view_task(tid)
    assert victim not in view["contributors"] and len(view["contributors"]) >= 2
    assert view["resultsTimestamp"] < view["contributionDeadline"]
    assert mkt.account(victim)["locked"] == 0
