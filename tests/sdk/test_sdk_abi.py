"""Our interfaces against the ABI the iExec SDK (npm `iexec`, pinned) bundles and calls the hub with.

The SDK encodes calls and decodes results and events with its own copy of the PoCo ABI, so a selector, an output
layout or an event signature that differs from it breaks the SDK even when our own tests pass. These tests need no
deployment: they compare IIexecHub (and the registry / asset / token contracts once they exist) with the SDK's
files, and name every mismatch.
"""

import json
import subprocess
from pathlib import Path

import pytest
from brownie import interface, project

SDK_ABI_SCRIPT = Path(__file__).with_name("sdk_abi.mjs")

# Hub functions the SDK 9.0.1 calls (read from its sources; see docs/SDK_COMPAT.md), plus what workers and schedulers
# send in the round trip.
SDK_HUB_CALLS = {
    "token", "appregistry", "datasetregistry", "workerpoolregistry", "owner",
    "viewAccount", "withdraw", "approve", "allowance", "receiveApproval",
    "countCategory", "viewCategory", "createCategory", "final_deadline_ratio",
    "domain", "verifySignature", "viewConsumed", "matchOrders",
    "manageAppOrder", "manageDatasetOrder", "manageWorkerpoolOrder", "manageRequestOrder",
    "viewDeal", "viewTask", "claim", "claimArray", "initializeAndClaimArray",
    "initialize", "contribute", "reveal", "finalize", "contributeAndFinalize", "teebroker",
}  # fmt: skip
# Events the SDK finds in receipts by signature.
SDK_HUB_EVENTS = {
    "OrdersMatched", "CreateCategory", "ClosedAppOrder", "ClosedDatasetOrder", "ClosedWorkerpoolOrder",
    "ClosedRequestOrder", "TaskClaimed", "Transfer", "Approval",
}  # fmt: skip
# Per contract: functions the SDK calls on registries, asset entries and the RLC token.
SDK_OTHER_CALLS = {
    "AppRegistry": {"isRegistered", "predictApp", "createApp", "balanceOf", "tokenOfOwnerByIndex", "safeTransferFrom"},
    "DatasetRegistry": {"isRegistered", "predictDataset", "createDataset", "balanceOf", "tokenOfOwnerByIndex", "safeTransferFrom"},
    "WorkerpoolRegistry": {"isRegistered", "predictWorkerpool", "createWorkerpool", "balanceOf", "tokenOfOwnerByIndex", "safeTransferFrom"},
    "App": {"m_appName", "m_appType", "m_appMultiaddr", "m_appChecksum", "m_appMREnclave", "owner", "registry"},
    "Dataset": {"m_datasetName", "m_datasetMultiaddr", "m_datasetChecksum", "owner", "registry"},
    "Workerpool": {"m_workerpoolDescription", "m_workerStakeRatioPolicy", "m_schedulerRewardRatioPolicy", "owner", "registry"},
    "RLC": {"balanceOf", "transfer", "approveAndCall"},
}  # fmt: skip


def _type(param):
    """Canonical ABI type, tuples expanded (`(address,uint256)[]`)."""
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + kind[len("tuple") :]
    return kind


def _signature(entry):
    return f"{entry['name']}({','.join(_type(p) for p in entry['inputs'])})"


def _functions(abi):
    """signature -> (output types, is a view) for every function of an ABI.

    The outputs of a transaction are never decoded by the SDK (it reads receipts), so only a view's count.
    """
    functions = {}
    for e in abi:
        if e["type"] == "function":
            is_view = e["stateMutability"] in ("view", "pure")
            functions[_signature(e)] = (tuple(_type(p) for p in e["outputs"]) if is_view else None, is_view)
    return functions


def _events(abi):
    """signature -> indexed flags for every event of an ABI."""
    return {_signature(e): tuple(p["indexed"] for p in e["inputs"]) for e in abi if e["type"] == "event"}


def _by_name(signatures, names):
    return {s: v for s, v in signatures.items() if s.split("(")[0] in names}


@pytest.fixture(scope="module")
def sdk():
    out = subprocess.run(
        ["node", str(SDK_ABI_SCRIPT)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def hub_abi():
    return interface.IIexecHub.abi


def test_sdk_is_the_pinned_version(sdk):
    assert sdk["sdkVersion"] == "9.0.1"
    assert sdk["pocoVersion"] == "6.1.0"


def test_hub_serves_every_function_the_sdk_calls(sdk, hub_abi):
    wanted = _by_name(_functions(sdk["abis"]["hub"]), SDK_HUB_CALLS)
    ours = _functions(hub_abi)
    assert {s.split("(")[0] for s in wanted} == SDK_HUB_CALLS  # the list above matches the SDK's ABI
    missing = sorted(s for s in wanted if s not in ours)
    assert not missing, f"IIexecHub lacks these SDK calls: {missing}"
    different = {s: (ours[s], wanted[s]) for s in wanted if ours[s] != wanted[s]}
    assert not different, f"outputs or mutability differ (ours, SDK's): {different}"


def test_functions_shared_with_the_sdk_abi_have_its_layout(sdk, hub_abi):
    # Beyond what the SDK calls today: any PoCo v5/v6 function we declare must encode like the SDK's copy.
    sdk_functions = _functions(sdk["abis"]["hub"])
    ours = _functions(hub_abi)
    sdk_names = {s.split("(")[0]: s for s in sdk_functions}
    renamed = {
        s: sdk_names[s.split("(")[0]] for s in ours if s not in sdk_functions and s.split("(")[0] in sdk_names
    }
    assert not renamed, f"same name, other arguments (ours -> SDK's): {renamed}"
    different = {
        s: (ours[s], sdk_functions[s]) for s in ours if s in sdk_functions and ours[s] != sdk_functions[s]
    }
    assert not different, f"outputs or mutability differ (ours, SDK's): {different}"


def test_events_the_sdk_decodes_have_its_signature(sdk, hub_abi):
    wanted = _by_name(_events(sdk["abis"]["hub"]), SDK_HUB_EVENTS)
    ours = _events(hub_abi)
    missing = sorted(s for s in wanted if s not in ours)
    assert not missing, f"IIexecHub lacks these events (or their argument types differ): {missing}"
    different = {s: (ours[s], wanted[s]) for s in wanted if ours[s] != wanted[s]}
    assert not different, f"indexed flags differ (ours, SDK's): {different}"


def test_all_shared_events_match(sdk, hub_abi):
    sdk_events = _events(sdk["abis"]["hub"])
    ours = _events(hub_abi)
    sdk_names = {s.split("(")[0]: s for s in sdk_events}
    renamed = {
        s: sdk_names[s.split("(")[0]] for s in ours if s not in sdk_events and s.split("(")[0] in sdk_names
    }
    assert not renamed, f"same event name, other arguments (ours -> SDK's): {renamed}"
    different = {s: (ours[s], sdk_events[s]) for s in ours if s in sdk_events and ours[s] != sdk_events[s]}
    assert not different, f"indexed flags differ (ours, SDK's): {different}"


@pytest.mark.parametrize("name", sorted(SDK_OTHER_CALLS))
def test_registry_asset_and_token_contracts_match(sdk, name):
    loaded = project.get_loaded_projects()[0]
    if not hasattr(loaded, name):
        pytest.skip(f"no contract named {name} in the project yet")
    wanted = _by_name(_functions(sdk["abis"][name]), SDK_OTHER_CALLS[name])
    ours = _functions(getattr(loaded, name).abi)
    missing = sorted(s for s in wanted if s not in ours)
    assert not missing, f"{name} lacks these SDK calls: {missing}"
    different = {s: (ours[s], wanted[s]) for s in wanted if ours[s] != wanted[s]}
    assert not different, f"{name}: outputs or mutability differ (ours, SDK's): {different}"
    # The SDK's show* calls every zero-argument view of the asset ABI: each must answer.
    if name in ("App", "Dataset", "Workerpool"):
        views = {s for s, (_, is_view) in _functions(sdk["abis"][name]).items() if is_view}
        assert views <= set(ours), (
            f"{name} lacks views the SDK's show{name} calls: {sorted(views - set(ours))}"
        )
    events = _events(sdk["abis"][name])
    for signature in ("Transfer(address,address,uint256)", "Approval(address,address,uint256)"):
        if signature in events:
            assert _events(getattr(loaded, name).abi).get(signature) == events[signature], (
                f"{name} {signature}"
            )
