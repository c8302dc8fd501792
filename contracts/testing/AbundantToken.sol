// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title AbundantToken
/// @notice Test-only ERC-20 with a supply far above RLC's (2^128), to drive the hub's SRLC supply cap and its
///         account words at their limits.
contract AbundantToken is ERC20 {
    constructor() ERC20("Abundant", "ABD") {
        _mint(msg.sender, 1 << 128);
    }

    function decimals() public pure override returns (uint8) {
        return 9;
    }
}
