"""Private keys of the local development chain's accounts (anvil's well-known test mnemonic).

Only for devnets, tests and benchmarks: these keys are public. Nothing here works on a real chain.
"""

from __future__ import annotations

from functools import lru_cache

from eth_account import Account

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 60


@lru_cache(maxsize=1)
def _keys() -> dict[str, bytes]:
    Account.enable_unaudited_hdwallet_features()
    keys = {}
    for i in range(DEV_ACCOUNT_COUNT):
        derived = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        keys[derived.address.lower()] = bytes(derived.key)
    return keys


def dev_private_key(index: int) -> bytes:
    """Key of the index-th account of the dev mnemonic."""
    Account.enable_unaudited_hdwallet_features()
    return bytes(Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}").key)


def dev_key(index: int) -> str:
    """Key of the index-th account of the dev mnemonic as 0x-hex (what key files and TxSender take)."""
    return "0x" + dev_private_key(index).hex()


def private_key_of(address: str) -> bytes:
    """Key of a dev-mnemonic account by address; a clear error for any other address."""
    try:
        return _keys()[address.lower()]
    except KeyError:
        raise KeyError(
            f"{address} is not one of the first {DEV_ACCOUNT_COUNT} dev-mnemonic accounts"
        ) from None
