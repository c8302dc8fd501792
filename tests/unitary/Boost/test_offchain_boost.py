"""The pure-Python Boost helpers (offchain/protocol/boost.py, hashing.py) against hand-computed values."""

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from offchain.protocol import boost, hashing
from offchain.protocol.constants import KITTY_MIN

DEAL = bytes(range(32))
WORKER = "0x" + "11" * 20


def test_boost_task_id_is_keccak_of_deal_and_relative_index():
    assert hashing.boost_task_id(DEAL, 3) == keccak(DEAL + (3).to_bytes(32, "big"))


def test_result_digest_hashes_results_without_callback():
    assert hashing.boost_result_digest(b"res", b"cb") == keccak(b"res")


def test_result_digest_hashes_callback_data_with_callback():
    assert hashing.boost_result_digest(b"res", b"cb", "0x" + "22" * 20) == keccak(b"cb")


def test_kitty_slice_is_ten_percent_between_min_and_whole_kitty():
    assert boost.kitty_slice(0) == 0
    assert boost.kitty_slice(KITTY_MIN // 2) == KITTY_MIN // 2
    assert boost.kitty_slice(3 * KITTY_MIN) == KITTY_MIN
    assert boost.kitty_slice(25 * KITTY_MIN) == 25 * KITTY_MIN // 10


def test_push_payouts_conserve_value():
    prices = boost.BoostPrices(app=7, dataset=5, workerpool=1001, scheduler_reward_ratio=3)
    out = prices.push_payouts(kitty=12 * KITTY_MIN)
    gained = out["worker"] + out["app"] + out["dataset"] + out["scheduler"]
    lost = -(out["sponsor_frozen"] + out["scheduler_frozen"] + out["kitty_frozen"])
    assert gained == lost
    assert out["worker"] == 1001 * 97 // 100


def test_sign_boost_push_with_enclave_signs_the_digest():
    scheduler, enclave = Account.create(), Account.create()
    task = hashing.boost_task_id(DEAL, 0)
    auth, challenge, sign = hashing.sign_boost_push(scheduler.key, enclave.key, WORKER, task, b"res")
    assert challenge == enclave.address
    auth_msg = encode_defunct(primitive=hashing.authorization_hash(WORKER, task, enclave.address))
    assert Account.recover_message(auth_msg, signature=auth) == scheduler.address
    enclave_msg = encode_defunct(primitive=hashing.boost_enclave_hash(WORKER, task, keccak(b"res")))
    assert Account.recover_message(enclave_msg, signature=sign) == enclave.address


def test_sign_boost_push_without_enclave_has_empty_enclave_fields():
    scheduler = Account.create()
    task = hashing.boost_task_id(DEAL, 0)
    _, challenge, sign = hashing.sign_boost_push(scheduler.key, None, WORKER, task, b"res")
    assert challenge == hashing.ZERO_ADDRESS
    assert sign == b""
