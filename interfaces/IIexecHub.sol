// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IEscrow} from "./IEscrow.sol";
import {ICategoryManager} from "./ICategoryManager.sol";
import {IHubAdmin} from "./IHubAdmin.sol";
import {IOrderManagement} from "./IOrderManagement.sol";
import {IMarket} from "./IMarket.sol";
import {IPoco} from "./IPoco.sol";
import {IPocoBoost} from "./IPocoBoost.sol";
import {IRegistryListener} from "./IRegistry.sol";

/// @title IIexecHub
/// @notice Everything users call on the hub address, whichever module serves it.
// solhint-disable-next-line no-empty-blocks
interface IIexecHub is
    IEscrow,
    ICategoryManager,
    IHubAdmin,
    IOrderManagement,
    IMarket,
    IPoco,
    IPocoBoost,
    IRegistryListener
{}
