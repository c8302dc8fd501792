"""The real iExec SDK (npm `iexec` 9.0.1) runs a whole market round on our hub: tests/sdk/sdk_roundtrip.mjs.

The `poco` fixture deploys with scripts/deploy.py and funds every role with RLC; the Node script then signs with
the private keys of anvil's well-known accounts (its default mnemonic) and talks to the same chain over RPC.
"""

import os
import subprocess
from pathlib import Path

from brownie import accounts, web3
from eth_account import Account

from offchain.devnet_keys import dev_private_key

SCRIPT = Path(__file__).with_name("sdk_roundtrip.mjs")
# anvil derives its accounts from this public test mnemonic (m/44'/60'/0'/0/i): the keys are no secret.
TIMEOUT = 300  # seconds; the script takes about 15 s


def private_key(account) -> str:
    """The private key anvil derived for `account` (one of brownie's unlocked accounts)."""
    index = list(accounts).index(account)
    key = dev_private_key(index)
    assert Account.from_key(key).address == account.address, "anvil was not started from its default mnemonic"
    return "0x" + key.hex()


def test_sdk_roundtrip(poco, owner, requester, app_owner, scheduler, workers):
    env = dict(
        os.environ,
        IEXEC_SDK_RPC=web3.provider.endpoint_uri,
        IEXEC_SDK_HUB=poco.hub.address,
        IEXEC_SDK_KEY_HUB_OWNER=private_key(owner),
        IEXEC_SDK_KEY_REQUESTER=private_key(requester),
        IEXEC_SDK_KEY_APP_OWNER=private_key(app_owner),
        IEXEC_SDK_KEY_SCHEDULER=private_key(scheduler),
        IEXEC_SDK_KEY_WORKER=private_key(workers[0]),
    )
    run = subprocess.run(
        ["node", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    print(run.stdout)  # one line per step, shown by pytest on failure (and with -s)
    assert run.returncode == 0, f"SDK round trip failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    assert "SDK round trip passed" in run.stdout
