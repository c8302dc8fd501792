"""pushResultBoost: checks in order, payments (sponsor pays, §12.5), kitty slice, events, callback."""

import brownie
import pytest
from brownie import ZERO_ADDRESS, accounts
from fixtures.boost import APP_PRICE, DATASET_PRICE, WORKERPOOL_PRICE, reverts_with
from fixtures.chain import escrow_state, key_of, next_block_at

from offchain.protocol import boost
from offchain.protocol.constants import KITTY_ADDRESS, KITTY_MIN, TAG_TEE, TASK_COMPLETED
from offchain.protocol.hashing import boost_task_id, sign_authorization, sign_boost_push

pytestmark = pytest.mark.usefixtures("boost_assets")

PRICES = boost.BoostPrices(APP_PRICE, 0, WORKERPOOL_PRICE)


@pytest.fixture
def worker(workers):
    return workers[0]


def _tid(deal_id, index):
    return "0x" + boost_task_id(deal_id, index).hex()


def test_push_pays_every_party(hub, boost_deal, push_boost, worker, requester, app_owner, scheduler):
    deal_id, _, _ = boost_deal()
    before = escrow_state(hub, worker, requester, app_owner, scheduler, hub)
    push_boost(deal_id, 0, worker)
    after = escrow_state(hub, worker, requester, app_owner, scheduler, hub)
    out = PRICES.push_payouts(kitty=0)
    stake = boost.scheduler_stake(WORKERPOOL_PRICE)
    assert after[worker.address] == (before[worker.address][0] + out["worker"], 0)
    assert after[app_owner.address] == (before[app_owner.address][0] + APP_PRICE, 0)
    assert after[requester.address] == (before[requester.address][0], 0)
    assert after[scheduler.address] == (before[scheduler.address][0] + out["scheduler"], 0)
    assert out["scheduler"] == stake + WORKERPOOL_PRICE - boost.worker_reward(WORKERPOOL_PRICE, 1)
    assert after[hub.address][0] == 0


def test_push_events_in_order(hub, boost_deal, push_boost, worker, requester, app_owner, scheduler):
    deal_id, _, _ = boost_deal()
    tx = push_boost(deal_id, 0, worker, results=b"ipfs://result")
    task = _tid(deal_id, 0)
    reward = boost.worker_reward(WORKERPOOL_PRICE, 1)
    stake = boost.scheduler_stake(WORKERPOOL_PRICE)
    escrow = [(e.name, e.values()) for e in tx.events if e.name in ("Seize", "Reward", "Lock", "Unlock")]
    assert escrow == [
        ("Seize", [requester, APP_PRICE + WORKERPOOL_PRICE, task]),
        ("Reward", [worker, reward, task]),
        ("Reward", [app_owner, APP_PRICE, task]),
        ("Unlock", [scheduler, stake]),
        ("Reward", [scheduler, WORKERPOOL_PRICE - reward, task]),
    ]
    assert tx.events["ResultPushedBoost"].values() == [deal_id, 0, "0x" + b"ipfs://result".hex()]
    assert tx.events[-1].name == "ResultPushedBoost"


def test_push_marks_task_completed(hub, boost_deal, push_boost, worker):
    deal_id, _, _ = boost_deal(volume=2)
    push_boost(deal_id, 1, worker)
    assert hub.viewTask(_tid(deal_id, 1))["status"] == TASK_COMPLETED
    assert hub.viewTask(_tid(deal_id, 0))["status"] == 0


def test_push_with_dataset_pays_dataset_owner(hub, boost_deal, push_boost, worker, requester, dataset_owner):
    deal_id, _, _ = boost_deal(with_dataset=True)
    before = hub.balanceOf(dataset_owner)
    tx = push_boost(deal_id, 0, worker)
    assert hub.balanceOf(dataset_owner) == before + DATASET_PRICE
    assert hub.frozenOf(requester) == 0
    assert tx.events["Seize"][0].values() == [
        requester,
        APP_PRICE + DATASET_PRICE + WORKERPOOL_PRICE,
        _tid(deal_id, 0),
    ]


def test_sponsored_push_charges_sponsor_not_requester(
    hub, boost_deal, push_boost, worker, requester, sponsor
):
    """SPECIFICATION §12.5: v5.5 seized the requester's frozen funds for a sponsored Boost deal."""
    requester_before = (hub.balanceOf(requester), hub.frozenOf(requester))
    sponsor_free = hub.balanceOf(sponsor)
    deal_id, _, _ = boost_deal(sponsor=sponsor, volume=2)
    tx = push_boost(deal_id, 0, worker)
    assert tx.events["Seize"][0].values() == [sponsor, APP_PRICE + WORKERPOOL_PRICE, _tid(deal_id, 0)]
    assert hub.frozenOf(sponsor) == APP_PRICE + WORKERPOOL_PRICE  # the second task stays locked
    assert hub.balanceOf(sponsor) == sponsor_free - 2 * (APP_PRICE + WORKERPOOL_PRICE)
    assert (hub.balanceOf(requester), hub.frozenOf(requester)) == requester_before


def _fill_kitty(hub, boost_deal, tasks):
    """Claims `tasks` failed Boost tasks to put their scheduler stakes in the kitty."""
    deal_id, tx, _ = boost_deal(volume=tasks)
    next_block_at(hub.viewDealBoost(deal_id)["deadline"])
    for index in range(tasks):
        hub.claimBoost(deal_id, index, {"from": accounts[-1]})
    return hub.frozenOf(KITTY_ADDRESS)


@pytest.mark.parametrize("price_rlc", [1, 50])
def test_push_pays_kitty_slice_to_scheduler(hub, boost_deal, push_boost, worker, scheduler, price_rlc):
    # kitty of 0.6 RLC (< KITTY_MIN: all of it), or 15 RLC (10 % = 1.5 RLC)
    kitty = _fill_kitty(hub, lambda **kw: boost_deal(workerpool_price=price_rlc * 10**9, **kw), 1)
    assert kitty == boost.scheduler_stake(price_rlc * 10**9)
    deal_id, _, _ = boost_deal()
    before = hub.balanceOf(scheduler)
    tx = push_boost(deal_id, 0, worker)
    slice_ = boost.kitty_slice(kitty)
    assert slice_ == min(max(kitty // 10, KITTY_MIN), kitty)
    assert hub.frozenOf(KITTY_ADDRESS) == kitty - slice_
    assert tx.events["Seize"][1].values() == [KITTY_ADDRESS, slice_, _tid(deal_id, 0)]
    assert hub.balanceOf(scheduler) == before + PRICES.push_payouts(kitty)["scheduler"]


def test_push_with_enclave_and_callback(
    hub, boost_deal, push_boost, worker, enclave, requester, CallbackRecorder
):
    recorder = requester.deploy(CallbackRecorder)
    deal_id, _, _ = boost_deal(tag=TAG_TEE, callback=recorder.address)
    tx = push_boost(
        deal_id,
        0,
        worker,
        results=b"r",
        callback_data=b"\x2a" * 32,
        enclave=enclave,
        callback=recorder.address,
    )
    task = _tid(deal_id, 0)
    assert recorder.results(task) == "0x" + "2a" * 32
    assert recorder.lastSender() == hub.address
    assert tx.events["ResultReceived"]["taskid"] == task


def test_reverting_callback_does_not_block_push(
    hub, boost_deal, push_boost, worker, requester, CallbackReverter
):
    reverter = requester.deploy(CallbackReverter)
    deal_id, _, _ = boost_deal(callback=reverter.address)
    push_boost(deal_id, 0, worker, callback_data=b"x", callback=reverter.address)
    assert hub.viewTask(_tid(deal_id, 0))["status"] == TASK_COMPLETED


def test_eoa_callback_is_fine(hub, boost_deal, push_boost, worker, anyone):
    deal_id, _, _ = boost_deal(callback=anyone.address)
    push_boost(deal_id, 0, worker, callback_data=b"x", callback=anyone.address)
    assert hub.viewTask(_tid(deal_id, 0))["status"] == TASK_COMPLETED


def test_tee_broker_authorizes_enclave_pushes(
    hub, boost_deal, push_boost, worker, enclave, owner, anyone, scheduler
):
    hub.setTeeBroker(anyone, {"from": owner})
    deal_id, _, _ = boost_deal(tag=TAG_TEE)
    with reverts_with("BoostInvalidAuthorization", _tid(deal_id, 0), worker, anyone):
        push_boost(deal_id, 0, worker, enclave=enclave, authorizer=scheduler)
    push_boost(deal_id, 0, worker, enclave=enclave, authorizer=anyone)


def test_scheduler_authorizes_when_no_enclave_even_with_broker(
    hub, boost_deal, push_boost, worker, owner, anyone
):
    hub.setTeeBroker(anyone, {"from": owner})
    deal_id, _, _ = boost_deal()
    push_boost(deal_id, 0, worker)
    assert hub.viewTask(_tid(deal_id, 0))["status"] == TASK_COMPLETED


# ---- rejections, in the order they are checked -----------------------------------------------------------------


def test_index_out_of_deal_reverts(boost_deal, push_boost, worker):
    deal_id, _, _ = boost_deal(volume=2)
    with reverts_with("BoostUnknownTask", deal_id, 2, 2):
        push_boost(deal_id, 2, worker)


def test_unknown_deal_reverts(push_boost, worker):
    deal_id = "0x" + "ab" * 32
    with reverts_with("BoostUnknownTask", deal_id, 0, 0):
        push_boost(deal_id, 0, worker)


def test_push_twice_reverts(boost_deal, push_boost, worker, workers):
    deal_id, _, _ = boost_deal()
    push_boost(deal_id, 0, worker)
    with reverts_with("BoostTaskNotUnset", _tid(deal_id, 0), TASK_COMPLETED):
        push_boost(deal_id, 0, workers[1])


def test_push_at_deadline_reverts(hub, boost_deal, push_boost, worker):
    deal_id, _, _ = boost_deal()
    deadline = hub.viewDealBoost(deal_id)["deadline"]
    next_block_at(deadline)
    with reverts_with("BoostDeadlineReached", _tid(deal_id, 0), deadline):
        push_boost(deal_id, 0, worker)


def test_push_just_before_deadline_succeeds(hub, boost_deal, push_boost, worker):
    deal_id, _, _ = boost_deal()
    deadline = hub.viewDealBoost(deal_id)["deadline"]
    next_block_at(deadline - 1)
    tx = push_boost(deal_id, 0, worker)
    assert tx.timestamp == deadline - 1


def test_tee_deal_without_enclave_reverts(boost_deal, push_boost, worker):
    deal_id, _, _ = boost_deal(tag=TAG_TEE)
    with reverts_with("BoostEnclaveRequired", _tid(deal_id, 0)):
        push_boost(deal_id, 0, worker)


def test_authorization_by_someone_else_reverts(boost_deal, push_boost, worker, anyone, scheduler):
    deal_id, _, _ = boost_deal()
    with reverts_with("BoostInvalidAuthorization", _tid(deal_id, 0), worker, scheduler):
        push_boost(deal_id, 0, worker, authorizer=anyone)


def test_authorization_for_another_worker_reverts(hub, boost_deal, push_boost, worker, workers, scheduler):
    deal_id, _, _ = boost_deal()
    auth = sign_authorization(key_of(scheduler), workers[1].address, boost_task_id(deal_id, 0))
    with reverts_with("BoostInvalidAuthorization", _tid(deal_id, 0), worker, scheduler):
        hub.pushResultBoost(deal_id, 0, b"r", b"", auth, ZERO_ADDRESS, b"", {"from": worker})


def test_enclave_signature_over_other_results_reverts(hub, boost_deal, worker, enclave, scheduler):
    deal_id, _, _ = boost_deal(tag=TAG_TEE)
    task = boost_task_id(deal_id, 0)
    auth, challenge, sign = sign_boost_push(
        key_of(scheduler), enclave.private_key, worker.address, task, b"a"
    )
    with reverts_with("BoostInvalidEnclaveSignature", _tid(deal_id, 0), enclave):
        hub.pushResultBoost(deal_id, 0, b"b", b"", auth, challenge, sign, {"from": worker})


def test_enclave_signs_results_digest_without_callback(boost_deal, push_boost, worker, enclave):
    deal_id, _, _ = boost_deal(tag=TAG_TEE)
    push_boost(deal_id, 0, worker, results=b"a", callback_data=b"ignored", enclave=enclave)


def test_callback_without_data_reverts(boost_deal, push_boost, worker, anyone):
    deal_id, _, _ = boost_deal(callback=anyone.address)
    with reverts_with("BoostCallbackRequiresData", _tid(deal_id, 0), anyone):
        push_boost(deal_id, 0, worker, callback_data=b"", callback=anyone.address)


def test_not_enough_gas_after_callback_reverts(
    hub, boost_deal, push_boost, worker, requester, CallbackGasBurner
):
    burner = requester.deploy(CallbackGasBurner)
    deal_id, _, _ = boost_deal(callback=burner.address)
    required = hub.callbackgas() // 63
    with brownie.reverts(revert_pattern="BoostNotEnoughGasAfterCallback: .*"):
        push_boost(deal_id, 0, worker, callback_data=b"x", callback=burner.address, tx={"gas_limit": 320_000})
    # with plenty of gas the burner gets its callbackgas and the push goes through
    push_boost(deal_id, 0, worker, callback_data=b"x", callback=burner.address, tx={"gas_limit": 1_000_000})
    assert required > 0


def test_contract_scheduler_authorizes_through_erc1271(
    hub,
    token,
    boost_orders,
    match_boost,
    boost_assets,
    workerpool_registry,
    scheduler,
    worker,
    TestIdentity,
    push_boost,
):
    """A workerpool owned by a contract (ERC-1271): its controller's key signs the order and the authorization."""
    identity = scheduler.deploy(TestIdentity, scheduler)
    workerpool_registry.transferFrom(
        scheduler, identity, int(boost_assets.workerpool, 16), {"from": scheduler}
    )
    token.approve(hub, 10**12, {"from": scheduler})
    hub.depositFor(10**12, identity, {"from": scheduler})
    deal_id, _ = match_boost(boost_orders())
    assert hub.viewDealBoost(deal_id)["workerpoolOwner"] == identity
    push_boost(deal_id, 0, worker)  # signed with the controller's (scheduler's) key
    assert hub.frozenOf(identity) == 0


def test_contract_scheduler_refusing_authorization_reverts(
    hub,
    token,
    boost_orders,
    match_boost,
    boost_assets,
    workerpool_registry,
    scheduler,
    worker,
    TestIdentity,
    push_boost,
):
    identity = scheduler.deploy(TestIdentity, scheduler)
    workerpool_registry.transferFrom(
        scheduler, identity, int(boost_assets.workerpool, 16), {"from": scheduler}
    )
    token.approve(hub, 10**12, {"from": scheduler})
    hub.depositFor(10**12, identity, {"from": scheduler})
    deal_id, _ = match_boost(boost_orders())
    identity.setReverting(True, {"from": scheduler})  # every ERC-1271 answer now reverts: counts as invalid
    with reverts_with("BoostInvalidAuthorization", _tid(deal_id, 0), worker, identity):
        push_boost(deal_id, 0, worker)
