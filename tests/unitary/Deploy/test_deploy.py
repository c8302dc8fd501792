"""scripts/deploy.py: what deploy() builds."""

import json

from offchain.protocol.constants import STANDARD_CATEGORIES
from scripts import config
from scripts.deploy import hub_contract, module_containers, write_addresses


def test_standard_then_dev_categories(hub):
    expected = STANDARD_CATEGORIES + config.DEV_CATEGORIES
    assert hub.countCategory() == len(expected)
    for catid, (name, seconds) in enumerate(expected):
        category = hub.viewCategory(catid)
        assert category[0] == name
        assert category[2] == seconds


def test_every_production_module_is_deployed(poco):
    assert sorted(poco.modules) == sorted(module_containers())


def test_testing_modules_are_not_deployed(poco):
    assert all(not name.startswith("EscrowHarness") for name in poco.modules)


def test_hub_getters(poco, owner):
    hub = poco.hub
    assert hub.owner() == owner
    assert hub.token() == poco.token
    assert hub.appregistry() == poco.app_registry
    assert hub.datasetregistry() == poco.dataset_registry
    assert hub.workerpoolregistry() == poco.workerpool_registry


def test_write_addresses(poco, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEPLOYMENTS_DIR", tmp_path)
    path = write_addresses(poco)
    data = json.loads(path.read_text())
    assert data["hub"] == poco.hub.address
    assert data["token"] == poco.token.address
    assert set(data["modules"]) == set(poco.modules)


def test_hub_contract_has_full_abi(poco):
    hub = hub_contract(poco.hub.address)
    assert hub.address == poco.hub.address
    assert hasattr(hub, "matchOrders") and hasattr(hub, "viewDeal")
