"""Deploy the hub, its modules, RLC and the three registries; create the categories; record the addresses.

`brownie run scripts/deploy.py` deploys on the active network with accounts[0]; tests and other scripts call
`deploy(owner)` and get a `Deployment` back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from brownie import ZERO_ADDRESS, Contract, accounts, chain, project

from scripts import config


@dataclass
class Deployment:
    """What deploy() built. `hub` speaks the whole IIexecHub ABI; `hub_router` is the IexecHub contract itself."""

    token: Contract
    hub: Contract
    hub_router: Contract
    app_registry: Contract
    dataset_registry: Contract
    workerpool_registry: Contract
    modules: dict[str, Contract] = field(default_factory=dict)

    def addresses(self) -> dict[str, str]:
        return {
            "chainId": chain.id,
            "hub": self.hub.address,
            "token": self.token.address,
            "appRegistry": self.app_registry.address,
            "datasetRegistry": self.dataset_registry.address,
            "workerpoolRegistry": self.workerpool_registry.address,
            "modules": {name: module.address for name, module in self.modules.items()},
        }


def _project():
    return project.get_loaded_projects()[0]


def module_containers(include_testing: bool = False) -> dict:
    """Every contract of the project named `*Module`, except test-only ones (contracts/testing/)."""
    containers = {}
    for name, container in _project().dict().items():
        source = container._build.get("sourcePath", "")
        if not name.endswith("Module"):
            continue
        if source.startswith(config.TESTING_SOURCES) and not include_testing:
            continue
        if not container._build.get("bytecode"):
            continue  # abstract: not deployable (the hot path of contracts/core/ is compiled into the hub)
        containers[name] = container
    return containers


def deploy_modules(owner, token, registries, containers, tx_params) -> dict:
    """Each module gets the same four constructor addresses (HubBase)."""
    args = [token.address] + [registry.address for registry in registries]
    return {name: container.deploy(*args, tx_params) for name, container in sorted(containers.items())}


def deploy_hub(owner, token, registries, modules: dict, tx_params):
    """The hub: the hot-path modules (market, PoCo, Boost) compiled in, every other module's external functions
    routed to that module."""
    names = sorted(modules)
    selectors = [list(modules[name].selectors.keys()) for name in names]
    args = [owner, token.address] + [registry.address for registry in registries]
    return _project().IexecHub.deploy(*args, [modules[name] for name in names], selectors, tx_params)


def hub_contract(address):
    """The hub at `address` seen through the full user ABI (interfaces/IIexecHub.sol)."""
    abi = getattr(_project().interface, config.HUB_INTERFACE).abi
    return Contract.from_abi("IexecHub", address, abi)


def create_categories(hub, owner, tx_params):
    categories = list(config.STANDARD_CATEGORIES)
    if chain.id in config.DEV_CHAIN_IDS:
        categories += config.DEV_CATEGORIES
    for name, seconds in categories:
        description = config.CATEGORY_DESCRIPTION.format(name=name, seconds=seconds)
        hub.createCategory(name, description, seconds, tx_params)


def write_addresses(deployment: Deployment):
    config.DEPLOYMENTS_DIR.mkdir(exist_ok=True)
    path = config.DEPLOYMENTS_DIR / f"{chain.id}.json"
    path.write_text(json.dumps(deployment.addresses(), indent=2) + "\n")
    return path


def deploy(
    owner,
    confirmations: int = 1,
    extra_modules: dict | None = None,
    categories: bool = True,
    record: bool = True,
    token: Contract | None = None,
    bind: bool = True,
) -> Deployment:
    """Deploy everything with `owner` as protocol owner and deployer (it receives the whole RLC supply).

    `extra_modules` (name -> container) adds modules to the routing table, e.g. test harnesses, or replaces the
    production module of the same name (a test stub); `record=False` skips writing deployments/<chainid>.json;
    `token` puts the hub on an existing ERC-20 instead of a new RLC; `bind=False` leaves the registries unbound, so
    the hub asks them at every match instead of reading its directory (a test of that path).
    """
    p = _project()
    tx_params = {"from": owner, "required_confs": confirmations}
    if token is None:
        token = p.RLC.deploy(tx_params)
    registries = [
        p.AppRegistry.deploy(ZERO_ADDRESS, tx_params),
        p.DatasetRegistry.deploy(ZERO_ADDRESS, tx_params),
        p.WorkerpoolRegistry.deploy(ZERO_ADDRESS, tx_params),
    ]
    containers = module_containers()
    containers.update(extra_modules or {})
    modules = deploy_modules(owner, token, registries, containers, tx_params)
    router = deploy_hub(owner, token, registries, modules, tx_params)
    # from here on the registries report owners (and pool policies) to the hub's directory, before any entry exists
    for registry in registries if bind else ():
        registry.bindHub(router, tx_params)
    hub = hub_contract(router.address)
    if categories:
        create_categories(hub, owner, tx_params)
    deployment = Deployment(token, hub, router, *registries, modules=modules)
    if record:
        write_addresses(deployment)
    return deployment


def development() -> Deployment:
    """Local chain: accounts[0] deploys and owns everything (also what `main()` does)."""
    return deploy(accounts[0])


def live(account_id: str, confirmations: int = 2) -> Deployment:
    """A public chain: `brownie run scripts/deploy.py live <account id> --network <net>` with an account saved by
    `brownie accounts new`; waits for `confirmations` blocks after each transaction."""
    return deploy(accounts.load(account_id), confirmations=confirmations)


def main():
    deployment = development()
    deployer = deployment.hub.owner()
    print(f"chain {chain.id}, owner {deployer}")
    for name, address in deployment.addresses().items():
        if name == "modules":
            for module, module_address in address.items():
                print(f"  module {module:<20} {module_address}")
        else:
            print(f"  {name:<20} {address}")
    print(f"  categories: {deployment.hub.countCategory()}")
    print(f"addresses written to {config.DEPLOYMENTS_DIR / f'{chain.id}.json'}")
