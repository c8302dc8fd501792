// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {HubBase} from "../core/HubBase.sol";
import {HubStorage} from "../core/HubStorage.sol";
import {IEscrow} from "../../interfaces/IEscrow.sol";
import {IMarket} from "../../interfaces/IMarket.sol";
import {IexecTypes} from "../../interfaces/IexecTypes.sol";
import {ITokenRecipient} from "../../interfaces/IRLC.sol";

/// @title EscrowModule
/// @notice The escrow as the ERC-20 "Staked RLC" (SPECIFICATION §1.3): RLC deposited into the hub is minted as SRLC, the
///         free balance is an account's stake, and only the free balance moves with transfers. Frozen value sits in
///         the hub's own balance (see the primitives in HubBase).
contract EscrowModule is HubBase, IEscrow {
    constructor(address token, address appRegistry, address datasetRegistry, address workerpoolRegistry)
        HubBase(token, appRegistry, datasetRegistry, workerpoolRegistry)
    {}

    // ---------------------------------------------------------------------------------------------------------------
    // ERC-20 views
    // ---------------------------------------------------------------------------------------------------------------

    function name() external pure returns (string memory) {
        return "Staked RLC";
    }

    function symbol() external pure returns (string memory) {
        return "SRLC";
    }

    function decimals() external pure returns (uint8) {
        return 9;
    }

    function totalSupply() external view returns (uint256) {
        return HubStorage.layout().totalSupply;
    }

    /// @dev For the hub itself: the sum of all frozen amounts (SPECIFICATION §9 invariant 2).
    function balanceOf(address account) external view returns (uint256) {
        return HubStorage.balanceOf(HubStorage.layout(), account);
    }

    function frozenOf(address account) external view returns (uint256) {
        return HubStorage.frozenOf(HubStorage.layout(), account);
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return HubStorage.layout().allowances[owner][spender];
    }

    /// @notice PoCo v3 view kept for ABI continuity: stake = free balance, locked = frozen.
    function viewAccount(address account) external view returns (IexecTypes.Account memory) {
        HubStorage.Layout storage $ = HubStorage.layout();
        return IexecTypes.Account({stake: HubStorage.balanceOf($, account), locked: HubStorage.frozenOf($, account)});
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ERC-20 actions
    // ---------------------------------------------------------------------------------------------------------------

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    /// @dev An allowance of type(uint256).max is never decreased (infinite approval).
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        mapping(address => uint256) storage allowed = HubStorage.layout().allowances[from];
        uint256 current = allowed[msg.sender];
        if (current != type(uint256).max) {
            if (current < value) revert InsufficientAllowance(from, msg.sender, current, value);
            unchecked {
                // cannot underflow: checked above
                allowed[msg.sender] = current - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function increaseAllowance(address spender, uint256 addedValue) external returns (bool) {
        _approve(msg.sender, spender, HubStorage.layout().allowances[msg.sender][spender] + addedValue);
        return true;
    }

    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool) {
        uint256 current = HubStorage.layout().allowances[msg.sender][spender];
        if (current < subtractedValue) revert InsufficientAllowance(msg.sender, spender, current, subtractedValue);
        unchecked {
            // cannot underflow: checked above
            _approve(msg.sender, spender, current - subtractedValue);
        }
        return true;
    }

    function approveAndCall(address spender, uint256 value, bytes calldata extraData) external returns (bool) {
        _approve(msg.sender, spender, value);
        ITokenRecipient(spender).receiveApproval(msg.sender, value, address(this), extraData);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Deposit and withdraw
    // ---------------------------------------------------------------------------------------------------------------

    // Deposits mint first and pull the RLC last (checks-effects-interactions); a failed pull reverts the mint.

    function deposit(uint256 amount) external returns (bool) {
        _mint(msg.sender, amount);
        _pullToken(msg.sender, amount);
        return true;
    }

    function depositFor(uint256 amount, address target) external returns (bool) {
        _mint(target, amount);
        _pullToken(msg.sender, amount);
        return true;
    }

    function depositForArray(uint256[] calldata amounts, address[] calldata targets) external returns (bool) {
        if (amounts.length != targets.length) revert ArrayLengthMismatch(amounts.length, targets.length);
        uint256 total = 0;
        for (uint256 i = 0; i < amounts.length; ++i) {
            _mint(targets[i], amounts[i]);
            total += amounts[i];
        }
        // one token transfer for the whole batch
        _pullToken(msg.sender, total);
        return true;
    }

    function withdraw(uint256 amount) external returns (bool) {
        _burn(msg.sender, amount);
        _pushToken(msg.sender, amount);
        return true;
    }

    function withdrawTo(uint256 amount, address target) external returns (bool) {
        _burn(msg.sender, amount);
        _pushToken(target, amount);
        return true;
    }

    /// @notice Owner only: mints to the owner the RLC the hub holds beyond the SRLC supply (sent to it directly).
    function recover() external onlyOwner returns (uint256 delta) {
        HubStorage.Layout storage $ = HubStorage.layout();
        delta = IERC20(TOKEN).balanceOf(address(this)) - $.totalSupply;
        _mint($.owner, delta);
    }

    /// @notice Deposit in one transaction through RLC's `approveAndCall`; with `data`, also match the orders of a
    ///         `matchOrders` call whose request order belongs to `sender` (PoCo v6.2), run in the hub's context.
    /// @dev `msg.sender` stays the RLC token during the match, as in PoCo v6.2: the market charges the request
    ///      order's requester (or the sponsor it names), never `msg.sender`.
    function receiveApproval(address sender, uint256 amount, address token, bytes calldata data)
        external
        returns (bool)
    {
        if (token != TOKEN) revert WrongToken(token);
        if (msg.sender != TOKEN) revert WrongToken(msg.sender);
        _mint(sender, amount);
        _pullToken(sender, amount);
        if (data.length != 0) _matchOrdersFor(sender, data);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev `data` must be `matchOrders(apporder, datasetorder, workerpoolorder, requestorder)` calldata.
    function _matchOrdersFor(address sender, bytes calldata data) private {
        bytes4 selector = bytes4(data); // right-padded with zeros when shorter than 4 bytes
        if (selector != IMarket.matchOrders.selector) revert UnsupportedOperation(selector);
        // The request order is the 4th (dynamic) argument: its head holds the offset of the tuple, and the
        // requester is the tuple's 7th word. A malformed payload fails these bounds-checked slices or, later, the
        // market's ABI decoder, which reads the very same words.
        uint256 offset = uint256(bytes32(data[100:132]));
        uint256 at = 4 + offset + 6 * 32;
        address requester = address(uint160(uint256(bytes32(data[at:at + 32]))));
        if (requester != sender) revert CallerIsNotTheRequester(sender, requester);

        // matchOrders is compiled into the hub itself unless a module was registered for it (a test stub)
        address module = HubStorage.layout().modules[selector];
        if (module == address(0)) module = address(this);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = module.delegatecall(data);
        if (!ok) {
            if (reason.length == 0) revert OperationFailed();
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        if (to == address(this)) revert RecipientIsTheHub();
        HubStorage.Layout storage $ = HubStorage.layout();
        _debit($, from, value);
        HubStorage.credit($, to, value);
        emit Transfer(from, to, value);
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (spender == address(0)) revert ZeroAddress();
        HubStorage.layout().allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _mint(address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        if (to == address(this)) revert RecipientIsTheHub();
        HubStorage.Layout storage $ = HubStorage.layout();
        uint256 supply = $.totalSupply + value;
        // the cap keeps every amount inside its half of an account word (HubStorage)
        if (supply > HubStorage.MAX_SUPPLY) revert SupplyCapExceeded(supply, HubStorage.MAX_SUPPLY);
        $.totalSupply = supply;
        HubStorage.credit($, to, value);
        emit Transfer(address(0), to, value);
    }

    function _burn(address from, uint256 value) private {
        HubStorage.Layout storage $ = HubStorage.layout();
        _debit($, from, value);
        unchecked {
            // cannot underflow: totalSupply >= the balance that just covered value
            $.totalSupply -= value;
        }
        emit Transfer(from, address(0), value);
    }

    /// @dev Takes `value` from `account`'s free balance (the free half of its word).
    function _debit(HubStorage.Layout storage $, address account, uint256 value) private {
        uint256 word = $.accounts[account];
        uint256 balance = HubStorage.freeIn(word);
        if (balance < value) revert InsufficientBalance(account, balance, value);
        unchecked {
            // balance >= value: the subtraction stays in the free half
            $.accounts[account] = word - value;
        }
    }

    function _pullToken(address from, uint256 amount) private {
        if (!IERC20(TOKEN).transferFrom(from, address(this), amount)) revert TokenTransferFailed();
    }

    function _pushToken(address to, uint256 amount) private {
        if (!IERC20(TOKEN).transfer(to, amount)) revert TokenTransferFailed();
    }
}
