// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IRLC, ITokenRecipient} from "../../interfaces/IRLC.sol";

/// @title RLC
/// @notice The iExec RLC token for local and test chains: 87,000,000 RLC (9 decimals) minted to the deployer.
contract RLC is ERC20, IRLC {
    /// 87 million RLC in nRLC
    uint256 public constant INITIAL_SUPPLY = 87_000_000 * 10 ** 9;

    constructor() ERC20("iExec RLC Token", "RLC") {
        _mint(msg.sender, INITIAL_SUPPLY);
    }

    function decimals() public pure override returns (uint8) {
        return 9;
    }

    /// @inheritdoc IRLC
    function approveAndCall(address spender, uint256 value, bytes calldata extraData) external {
        _approve(msg.sender, spender, value);
        ITokenRecipient(spender).receiveApproval(msg.sender, value, address(this), extraData);
    }
}
