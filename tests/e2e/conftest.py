"""One devnet of real processes (anvil, deployment, scheduler, workers) shared by the e2e tests of this folder."""

import pytest

from offchain.devnet_keys import dev_key
from scripts.devnet import APP_PRICE as PRICE_APP
from scripts.devnet import POOL_PRICE as PRICE_POOL
from scripts.devnet import Devnet

DEV_CATEGORY_30S = 6


def _missing_parts() -> list[str]:
    """What the devnet needs from the other parts of the project (contracts, scheduler, order model)."""
    from importlib.util import find_spec

    from offchain.chain import abi

    missing = [m for m in ("offchain.scheduler", "offchain.protocol.orders") if find_spec(m) is None]
    build = abi.build_dir() / "contracts"
    missing += [
        c for c in ("PocoModule", "MatchModule", "AppRegistry", "RLC") if not (build / f"{c}.json").exists()
    ]
    return missing


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    missing = _missing_parts()
    if missing:
        pytest.skip(f"the devnet needs {', '.join(missing)}")
    with Devnet(tmp_path_factory.mktemp("devnet"), workers=5, worker_lost_after=6) as net:
        net.start_chain()
        net.deploy()
        market = net.market()
        net.setup_pool(market)
        net.apps = {name: net.publish_app(market, name) for name in ("noop", "primes")}
        net.start_scheduler()
        net.mkt = market
        yield net


@pytest.fixture
def buy(devnet):
    """buy(app, volume, trust, params) -> task ids of the new deal (requester = dev account 3)."""
    from scripts.devnet import APP_OWNER, REQUESTER, SCHEDULER

    def _buy(app="noop", volume=1, trust=4, params=""):
        deal = devnet.mkt.buy(
            dev_key(REQUESTER), devnet.apps[app], dev_key(APP_OWNER), devnet.pool, dev_key(SCHEDULER),
            volume=volume, trust=trust, category=DEV_CATEGORY_30S, app_price=PRICE_APP,
            workerpool_price=PRICE_POOL, params=params,
        )  # fmt: skip
        return deal, devnet.mkt.task_ids(deal)

    return _buy


@pytest.fixture
def workers(devnet):
    """start(i, *flags) starts worker i; every worker a test started is stopped (SIGTERM) after it."""
    started = []

    def start(i, *flags):
        devnet.start_worker(i, list(flags))
        started.append(i)
        return devnet.worker_address(i)

    yield start
    for i in started:
        devnet.kill(f"worker{i}", 15)
