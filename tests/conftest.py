"""Root fixtures: accounts named by marketplace role, the deployed protocol (`poco`), and per-test isolation.

Topic fixtures live in tests/fixtures/*.py (see tests/fixtures/README.md) and are registered below.
"""

import pytest

from offchain.protocol.constants import NRLC_PER_RLC as RLC

pytest_plugins = [
    "fixtures.worker",
    "fixtures.docker",
    "fixtures.scheduler",
    "fixtures.postgres",
    "fixtures.escrow",
    "fixtures.orders",
    "fixtures.assets",
    "fixtures.boost",
    "fixtures.poco",
]

ROLE_FUNDS = 1_000_000 * RLC  # RLC given to every role account by the `poco` fixture


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    """Revert the chain after every test: each test starts from the module's deployment snapshot."""
    pass


# ---- accounts by role (anvil provides 30) -----------------------------------------------------------------


@pytest.fixture(scope="session")
def owner(accounts):
    """Deploys everything and owns the hub (creates categories, sets the TEE broker, recovers RLC)."""
    return accounts[0]


@pytest.fixture(scope="session")
def requester(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def sponsor(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def app_owner(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def dataset_owner(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def scheduler(accounts):
    """Owns the workerpool."""
    return accounts[5]


@pytest.fixture(scope="session")
def workers(accounts):
    """Sixteen worker accounts."""
    return accounts[6:22]


@pytest.fixture(scope="session")
def anyone(accounts):
    """An account with no role, for permissionless calls and rejected callers."""
    return accounts[29]


@pytest.fixture(scope="session")
def roles(requester, sponsor, app_owner, dataset_owner, scheduler, workers, anyone):
    return [requester, sponsor, app_owner, dataset_owner, scheduler, *workers, anyone]


# ---- the deployed protocol ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def role_funds():
    """RLC (in nRLC) given to every role account by `poco` (fixtures cannot import this conftest by name: another
    conftest.py under tests/ may own the module name `conftest`)."""
    return ROLE_FUNDS


@pytest.fixture(scope="module")
def poco(owner, roles):
    """scripts/deploy.deploy(owner) (hub, modules, RLC, registries, categories), then ROLE_FUNDS RLC to each role.

    Attributes: token, hub (IIexecHub ABI), hub_router, app_registry, dataset_registry, workerpool_registry, modules.
    """
    from scripts.deploy import deploy

    deployment = deploy(owner, record=False)
    for account in roles:
        deployment.token.transfer(account, ROLE_FUNDS, {"from": owner})
    return deployment


@pytest.fixture(scope="module")
def hub(poco):
    return poco.hub


@pytest.fixture(scope="module")
def token(poco):
    return poco.token


@pytest.fixture(scope="module")
def app_registry(poco):
    return poco.app_registry


@pytest.fixture(scope="module")
def dataset_registry(poco):
    return poco.dataset_registry


@pytest.fixture(scope="module")
def workerpool_registry(poco):
    return poco.workerpool_registry
