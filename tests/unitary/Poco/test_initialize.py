"""initialize / initializeArray: create tasks of a deal (SPECIFICATION §4.2)."""

import brownie
from custom_errors import reverts_with
from fixtures.poco import TIMEREF

from offchain.protocol import hashing
from offchain.protocol.constants import TASK_ACTIVE


def test_initialize_creates_active_task_with_deadlines(new_deal, scheduler, anyone, hub):
    deal = new_deal(volume=3)
    taskid = hashing.task_id(deal.dealid, 1)
    assert hub.initialize.call(deal.dealid, 1, {"from": anyone}) == "0x" + taskid.hex()
    tx = hub.initialize(deal.dealid, 1, {"from": anyone})
    assert tx.events["TaskInitialize"].values() == ["0x" + taskid.hex(), deal.workerpool]
    view = hub.viewTask(taskid)
    start = deal.model.start_time
    assert view[0] == TASK_ACTIVE
    assert view[1] == "0x" + deal.dealid.hex()
    assert view[2] == 1
    assert view[3] == TIMEREF
    assert view[4] == start + 7 * TIMEREF
    assert view[5] == 0
    assert view[6] == start + 10 * TIMEREF
    assert view[8] == view[9] == 0
    assert list(view[10]) == []


def test_initialize_twice_reverts(new_deal, hub, anyone):
    deal = new_deal()
    hub.initialize(deal.dealid, 0, {"from": anyone})
    with reverts_with("TaskAlreadyInitialized", deal.task_id(0)):
        hub.initialize(deal.dealid, 0, {"from": anyone})


def test_initialize_index_past_the_deal_reverts(new_deal, hub, anyone):
    deal = new_deal(volume=2)
    with reverts_with("TaskIndexOutOfDeal", deal.dealid, 2, 0, 2):
        hub.initialize(deal.dealid, 2, {"from": anyone})


def test_initialize_unknown_deal_reverts(hub, anyone):
    dealid = b"\x42" * 32
    with reverts_with("TaskIndexOutOfDeal", dealid, 0, 0, 0):
        hub.initialize(dealid, 0, {"from": anyone})


def test_initialize_index_is_absolute(new_deal, hub, anyone):
    # a request of volume 3 matched twice against workerpool orders of volume 1: the second deal covers index 1
    first = new_deal(volume=3, workerpoolorder={"volume": 1})
    second = new_deal(volume=3, workerpoolorder={"volume": 1}, request_of=first)
    assert (first.botFirst, second.botFirst) == (0, 1)
    with reverts_with("TaskIndexOutOfDeal", second.dealid, 0, 1, 1):
        hub.initialize(second.dealid, 0, {"from": anyone})
    hub.initialize(second.dealid, 1, {"from": anyone})
    view = hub.viewTask(hashing.task_id(second.dealid, 1))
    assert view[0] == TASK_ACTIVE and view[2] == 1


def test_initialize_array_creates_every_task(new_deal, hub, anyone):
    deal = new_deal(volume=3)
    tx = hub.initializeArray([deal.dealid] * 3, [0, 1, 2], {"from": anyone})
    assert len(tx.events["TaskInitialize"]) == 3
    for idx in range(3):
        assert hub.viewTask(deal.task_id(idx))[0] == TASK_ACTIVE


def test_initialize_array_length_mismatch_reverts(new_deal, hub, anyone):
    deal = new_deal(volume=2)
    with reverts_with("ArrayLengthMismatch", 2, 1):
        hub.initializeArray([deal.dealid] * 2, [0], {"from": anyone})


def test_initialize_array_one_failure_reverts_all(new_deal, hub, anyone):
    deal = new_deal(volume=2)
    hub.initialize(deal.dealid, 1, {"from": anyone})
    with brownie.reverts():
        hub.initializeArray([deal.dealid] * 2, [0, 1], {"from": anyone})
    assert hub.viewTask(deal.task_id(0))[0] == 0
