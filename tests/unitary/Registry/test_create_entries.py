"""createApp / createDataset / createWorkerpool with predictApp / predictDataset / predictWorkerpool."""

import pytest
from brownie import App, Dataset, Workerpool
from custom_errors import reverts_with
from fixtures.chain import entry_address

CHECKSUM = "0x" + "c0" * 32
APP_ARGS = ("my-app", "DOCKER", b"docker.io/me/app:1.0", CHECKSUM, b"")
DATASET_ARGS = ("my-data", b"ipfs://QmData", CHECKSUM)
POOL_ARGS = ("my pool",)

# Gas budgets, well below the original PoCo v6.2.0 (benchmarks/README.md: 653,251 / 580,451 / 577,237).
GAS = {"app": 400_000, "dataset": 350_000, "workerpool": 330_000}


@pytest.fixture(params=["app", "dataset", "workerpool"])
def kind(request, app_registry, dataset_registry, workerpool_registry, app_owner, dataset_owner, scheduler):
    """One registry at a time: (name, registry, create, predict, args, entry container, owner)."""
    return {
        "app": ("app", app_registry, "createApp", "predictApp", APP_ARGS, App, app_owner),
        "dataset": ("dataset", dataset_registry, "createDataset", "predictDataset", DATASET_ARGS, Dataset, dataset_owner),
        "workerpool": ("workerpool", workerpool_registry, "createWorkerpool", "predictWorkerpool", POOL_ARGS, Workerpool, scheduler),
    }[request.param]  # fmt: skip


def test_create_deploys_at_the_predicted_address_and_mints(kind, anyone):
    name, registry, create, predict, args, _, owner = kind
    predicted = getattr(registry, predict)(owner, *args)
    tx = getattr(registry, create)(owner, *args, {"from": anyone})  # anyone may create for an owner
    entry = entry_address(tx)
    assert entry == predicted.lower()
    first = tx.events["Transfer"][0]
    assert (first["from"], first["to"], first["tokenId"]) == ("0x" + "00" * 20, owner, int(predicted, 16))
    assert registry.ownerOf(int(predicted, 16)) == owner
    assert registry.isRegistered(predicted)
    assert registry.entryOwner(predicted) == owner
    assert registry.balanceOf(owner) == 1
    assert registry.tokenOfOwnerByIndex(owner, 0) == int(predicted, 16)
    assert registry.totalSupply() == 1
    assert tx.gas_used < GAS[name]


def test_create_twice_reverts(kind):
    _, registry, create, predict, args, _, owner = kind
    getattr(registry, create)(owner, *args, {"from": owner})
    predicted = getattr(registry, predict)(owner, *args)
    with reverts_with("EntryAlreadyRegistered", predicted):
        getattr(registry, create)(owner, *args, {"from": owner})


def test_same_asset_for_another_owner_is_another_entry(kind, anyone):
    _, registry, create, predict, args, _, owner = kind
    assert getattr(registry, predict)(owner, *args) != getattr(registry, predict)(anyone, *args)
    getattr(registry, create)(owner, *args, {"from": owner})
    getattr(registry, create)(anyone, *args, {"from": anyone})
    assert registry.totalSupply() == 2


def test_entry_cannot_be_initialized_again(kind):
    _, registry, create, _, args, container, owner = kind
    entry = container.at(entry_address(getattr(registry, create)(owner, *args, {"from": owner})))
    with reverts_with("AlreadyInitialized"):
        entry.initialize(*args, {"from": owner})


def test_master_cannot_be_initialized(kind, anyone):
    _, registry, _, _, args, container, _ = kind
    master = container.at(registry.master())
    with reverts_with("AlreadyInitialized"):
        master.initialize(*args, {"from": anyone})


def test_app_fields(app_registry, app_owner):
    tx = app_registry.createApp(app_owner, "n", "DOCKER", b"addr", CHECKSUM, b"\x01\x02", {"from": app_owner})
    app = App.at(entry_address(tx))
    assert app.m_appName() == "n"
    assert app.m_appType() == "DOCKER"
    assert app.m_appMultiaddr() == "0x" + b"addr".hex()
    assert app.m_appChecksum() == CHECKSUM
    assert app.m_appMREnclave() == "0x0102"
    assert app.owner() == app_owner
    assert app.registry() == app_registry


def test_dataset_fields(dataset_registry, dataset_owner):
    tx = dataset_registry.createDataset(dataset_owner, *DATASET_ARGS, {"from": dataset_owner})
    dataset = Dataset.at(entry_address(tx))
    assert dataset.m_datasetName() == "my-data"
    assert dataset.m_datasetMultiaddr() == "0x" + b"ipfs://QmData".hex()
    assert dataset.m_datasetChecksum() == CHECKSUM
    assert dataset.owner() == dataset_owner
    assert dataset.registry() == dataset_registry


def test_workerpool_fields_and_default_policy(workerpool_registry, scheduler):
    tx = workerpool_registry.createWorkerpool(scheduler, "my pool", {"from": scheduler})
    pool = Workerpool.at(entry_address(tx))
    assert pool.m_workerpoolDescription() == "my pool"
    assert pool.m_workerStakeRatioPolicy() == 30
    assert pool.m_schedulerRewardRatioPolicy() == 1
    assert pool.policy() == (30, 1)
    assert pool.owner() == scheduler
    assert pool.registry() == workerpool_registry
