// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {HubStorage} from "./HubStorage.sol";
import {HubBase} from "./HubBase.sol";
import {Poco} from "./Poco.sol";
import {Boost} from "./Boost.sol";
import {Market} from "./Market.sol";
import {PocoConstants} from "../libraries/PocoConstants.sol";
import {IEscrow} from "../../interfaces/IEscrow.sol";
import {IHubAdmin} from "../../interfaces/IHubAdmin.sol";
import {IRegistryListener} from "../../interfaces/IRegistry.sol";

/// @title IexecHub
/// @notice The single address users talk to (SPECIFICATION §12.3). It holds all state and runs the hot path itself (the
///         market, PoCo and Boost are compiled in: no delegatecall hop); every other call is routed, by selector, to
///         the module of contracts/modules/ that implements it, run with `delegatecall` on the hub's storage. The
///         routing table is fixed at construction: the hub is not upgradeable.
/// @dev Splitting by module keeps each deployed contract under the EIP-170 size limit while users see one ABI
///      (`interfaces/IIexecHub.sol`).
contract IexecHub is Poco, Market, Boost, IRegistryListener {
    /// Thrown when the constructor's module and selector lists differ in length.
    error ModuleListMismatch(uint256 modules, uint256 selectorLists);
    /// Thrown when two modules claim the same selector.
    error DuplicateSelector(bytes4 selector);

    event ModuleRegistered(address indexed module, bytes4[] selectors);

    /// @param owner_ the protocol owner (creates categories, sets the TEE broker and callback gas, recovers RLC)
    /// @param modules module contracts, each serving the selectors at the same position in `selectors`
    constructor(
        address owner_,
        address token,
        address appRegistry,
        address datasetRegistry,
        address workerpoolRegistry,
        address[] memory modules,
        bytes4[][] memory selectors
    ) HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry) {
        if (modules.length != selectors.length) revert ModuleListMismatch(modules.length, selectors.length);
        HubStorage.Layout storage $ = HubStorage.layout();
        $.owner = owner_;
        $.callbackgas = PocoConstants.DEFAULT_CALLBACK_GAS;
        for (uint256 i = 0; i < modules.length; ++i) {
            bytes4[] memory list = selectors[i];
            for (uint256 j = 0; j < list.length; ++j) {
                if ($.modules[list[j]] != address(0)) revert DuplicateSelector(list[j]);
                $.modules[list[j]] = modules[i];
            }
            emit ModuleRegistered(modules[i], list);
        }
        emit IHubAdmin.OwnershipTransferred(address(0), owner_);
    }

    /// @inheritdoc IRegistryListener
    /// @dev Served by the hub itself (no module hop): every asset creation and transfer pays for this call.
    function onRegistryUpdate(address entry, uint256 word) external {
        HubStorage.Layout storage $ = HubStorage.layout();
        if (msg.sender == APP_REGISTRY) $.appEntries[entry] = word;
        else if (msg.sender == DATASET_REGISTRY) $.datasetEntries[entry] = word;
        else if (msg.sender == WORKERPOOL_REGISTRY) $.workerpoolEntries[entry] = word;
        else revert NotARegistry(msg.sender);
    }

    /// @notice Plain ether transfers are refused: the escrow is RLC only.
    receive() external payable {
        revert IEscrow.FallbackDisabled();
    }

    // solhint-disable-next-line no-complex-fallback
    fallback() external payable {
        address module = HubStorage.layout().modules[msg.sig];
        if (module == address(0)) revert IHubAdmin.UnknownFunction(msg.sig);
        // Memory-safe (works from the free memory pointer), so that the compiler may move stack variables of the
        // hub's own functions to memory.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), module, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            switch ok
            case 0 { revert(ptr, returndatasize()) }
            default { return(ptr, returndatasize()) }
        }
    }
}
