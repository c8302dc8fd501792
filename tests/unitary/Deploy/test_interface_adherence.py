"""Every function of interfaces/IIexecHub.sol is served by exactly one deployed module (or the hub itself), with the same inputs,
outputs and mutability (or `pure` for `view`), and the hub routes its selector. An interface that a module serves only in part, or
that no module serves at all, fails: the hub's ABI promises every function of it."""

import pytest
from brownie import project, web3
from eth_utils import function_signature_to_4byte_selector, keccak

INTERFACES = [
    "IEscrow",
    "ICategoryManager",
    "IHubAdmin",
    "IOrderManagement",
    "IMarket",
    "IPoco",
    "IPocoBoost",
    "IRegistryListener",
]
UNKNOWN_FUNCTION = keccak(text="UnknownFunction(bytes4)")[:4]


def _type(param):
    kind = param["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + kind[len("tuple") :]
    return kind


def _interface_abi(name):
    return getattr(project.get_loaded_projects()[0].interface, name).abi


def _functions(abi):
    """signature -> (outputs, mutability)"""
    return {
        f"{e['name']}({','.join(_type(p) for p in e['inputs'])})": (
            tuple(_type(p) for p in e["outputs"]),
            e["stateMutability"],
        )
        for e in abi
        if e["type"] == "function"
    }


def _routed(hub, selector):
    """True unless the hub's fallback answers UnknownFunction(selector)."""
    try:
        web3.eth.call({"to": hub.address, "data": "0x" + selector.hex() + "00" * 64})
        return True
    except Exception as exc:  # a revert of the routed function itself still proves the routing
        data = getattr(exc, "data", None) or str(exc)
        return UNKNOWN_FUNCTION.hex() not in str(data)


@pytest.mark.parametrize("name", INTERFACES)
def test_interface_is_routed(poco, name):
    wanted = _functions(_interface_abi(name))
    served = {}
    # the hub serves the hot-path modules itself (compiled in), the other modules through its router
    for module_name, module in {"IexecHub": poco.hub_router, **poco.modules}.items():
        for signature, spec in _functions(module.abi).items():
            served.setdefault(signature, []).append((module_name, spec))
    missing = sorted(s for s in wanted if s not in served)
    assert not missing, f"{name}: functions no module serves: {missing}"
    for signature, spec in wanted.items():
        servers = served[signature]
        assert len(servers) == 1, f"{signature} served by several modules: {servers}"
        (outputs, mutability), (wanted_outputs, wanted_mutability) = servers[0][1], spec
        assert outputs == wanted_outputs, f"{signature}: module {servers[0]} vs interface {spec}"
        # a constant answer may be `pure` where the interface says `view`: both are calls for every client
        assert mutability == wanted_mutability or (mutability, wanted_mutability) == ("pure", "view"), (
            signature
        )
        assert _routed(poco.hub, function_signature_to_4byte_selector(signature)), f"{signature} not routed"


def test_unknown_selector_is_detected(poco):
    assert not _routed(poco.hub, bytes.fromhex("deadbeef"))


def test_interfaces_cover_the_hub_abi():
    """The interfaces checked above are all of IIexecHub: none of its functions escapes the check."""
    checked = set().union(*(_functions(_interface_abi(name)) for name in INTERFACES))
    assert set(_functions(_interface_abi("IIexecHub"))) == checked
