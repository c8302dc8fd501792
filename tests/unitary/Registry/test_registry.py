"""Registry ERC-721 surface: metadata, transfers (ownership follows the NFT), isRegistered, entryOwner, chaining."""

from brownie import ZERO_ADDRESS, AppRegistry, WorkerpoolRegistry


def test_names_and_symbols(app_registry, dataset_registry, workerpool_registry):
    assert (app_registry.name(), app_registry.symbol()) == ("iExec Application Registry (V5)", "iExecAppsV5")
    assert (dataset_registry.name(), dataset_registry.symbol()) == (
        "iExec Dataset Registry (V5)",
        "iExecDatasetsV5",
    )
    assert (workerpool_registry.name(), workerpool_registry.symbol()) == (
        "iExec Workerpool Registry (V5)",
        "iExecWorkerpoolV5",
    )


def test_safe_transfer_moves_ownership(create_app, app_registry, app_owner, anyone):
    app = create_app()
    tx = app_registry.safeTransferFrom(app_owner, anyone, app.address, {"from": app_owner})
    assert tx.events["Transfer"].values() == [app_owner, anyone, int(app.address, 16)]
    assert app.owner() == anyone
    assert app_registry.entryOwner(app) == anyone
    assert app_registry.balanceOf(app_owner) == 0
    assert app_registry.tokenOfOwnerByIndex(anyone, 0) == int(app.address, 16)


def test_enumeration_over_owners(create_app, app_registry, app_owner, anyone):
    apps = [create_app(), create_app(), create_app(owner=anyone)]
    assert app_registry.totalSupply() == 3
    assert [app_registry.tokenByIndex(i) for i in range(3)] == [int(a.address, 16) for a in apps]
    assert app_registry.balanceOf(app_owner) == 2


def test_unknown_entry(app_registry, anyone):
    assert not app_registry.isRegistered(anyone)
    assert app_registry.entryOwner(anyone) == ZERO_ADDRESS


def test_entries_are_not_shared_between_registries(create_app, dataset_registry, workerpool_registry):
    app = create_app()
    assert not dataset_registry.isRegistered(app)
    assert workerpool_registry.entryOwner(app) == ZERO_ADDRESS


def test_no_previous_registry_by_default(app_registry):
    assert app_registry.previous() == ZERO_ADDRESS


def test_chained_registry_recognises_previous_entries(create_app, app_registry, app_owner, owner):
    old_app = create_app()
    registry = AppRegistry.deploy(app_registry, {"from": owner})
    assert registry.previous() == app_registry
    assert registry.isRegistered(old_app)
    assert registry.entryOwner(old_app) == app_owner
    assert registry.balanceOf(app_owner) == 0  # the NFT stays in the previous registry


def test_previous_that_is_no_registry_never_reverts(token, owner, anyone):
    # a "previous" that is no registry at all: entryOwner never reverts
    registry = WorkerpoolRegistry.deploy(token, {"from": owner})
    assert registry.entryOwner(anyone) == ZERO_ADDRESS
    assert not registry.isRegistered(anyone)
