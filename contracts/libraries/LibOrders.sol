// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IexecTypes} from "../../interfaces/IexecTypes.sol";

/// @title LibOrders
/// @notice EIP-712 struct hashes of the four PoCo orders and of their management operations (SPECIFICATION §3.3).
/// @dev Typehashes are computed from their type strings at compile time; `offchain/orders.py` builds the
///      same strings from its field lists and a test compares both.
///
///      Hashing reads the orders straight from calldata. In the ABI encoding of a struct with dynamic members, the
///      head holds every static field as one 32-byte word, in declaration order, followed by offsets for the dynamic
///      ones. The EIP-712 encoding of the static fields is the very same sequence of words, so a block `calldatacopy`
///      of the head builds the preimage without decoding field by field. Address words are not cleaned here: callers
///      read every address field through Solidity, whose calldata accessor reverts on dirty high bits, so an order
///      whose hash would differ from its canonical encoding can never be matched or managed.
library LibOrders {
    bytes32 internal constant APPORDER_TYPEHASH = keccak256(
        "AppOrder(address app,uint256 appprice,uint256 volume,bytes32 tag,address datasetrestrict,"
        "address workerpoolrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant DATASETORDER_TYPEHASH = keccak256(
        "DatasetOrder(address dataset,uint256 datasetprice,uint256 volume,bytes32 tag,address apprestrict,"
        "address workerpoolrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant WORKERPOOLORDER_TYPEHASH = keccak256(
        "WorkerpoolOrder(address workerpool,uint256 workerpoolprice,uint256 volume,bytes32 tag,uint256 category,"
        "uint256 trust,address apprestrict,address datasetrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant REQUESTORDER_TYPEHASH = keccak256(
        "RequestOrder(address app,uint256 appmaxprice,address dataset,uint256 datasetmaxprice,address workerpool,"
        "uint256 workerpoolmaxprice,address requester,uint256 volume,bytes32 tag,uint256 category,uint256 trust,"
        "address beneficiary,address callback,string params,bytes32 salt)"
    );
    bytes32 internal constant APPORDEROPERATION_TYPEHASH = keccak256(
        "AppOrderOperation(AppOrder order,uint256 operation)"
        "AppOrder(address app,uint256 appprice,uint256 volume,bytes32 tag,address datasetrestrict,"
        "address workerpoolrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant DATASETORDEROPERATION_TYPEHASH = keccak256(
        "DatasetOrderOperation(DatasetOrder order,uint256 operation)"
        "DatasetOrder(address dataset,uint256 datasetprice,uint256 volume,bytes32 tag,address apprestrict,"
        "address workerpoolrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant WORKERPOOLORDEROPERATION_TYPEHASH = keccak256(
        "WorkerpoolOrderOperation(WorkerpoolOrder order,uint256 operation)"
        "WorkerpoolOrder(address workerpool,uint256 workerpoolprice,uint256 volume,bytes32 tag,uint256 category,"
        "uint256 trust,address apprestrict,address datasetrestrict,address requesterrestrict,bytes32 salt)"
    );
    bytes32 internal constant REQUESTORDEROPERATION_TYPEHASH = keccak256(
        "RequestOrderOperation(RequestOrder order,uint256 operation)"
        "RequestOrder(address app,uint256 appmaxprice,address dataset,uint256 datasetmaxprice,address workerpool,"
        "uint256 workerpoolmaxprice,address requester,uint256 volume,bytes32 tag,uint256 category,uint256 trust,"
        "address beneficiary,address callback,string params,bytes32 salt)"
    );

    // -------------------------------------------------------------------------------------------------------------
    // Struct hashes
    // -------------------------------------------------------------------------------------------------------------

    /// @dev keccak256(APPORDER_TYPEHASH ‖ 8 static words). `sign` (the 9th head word, an offset) is not hashed.
    function hash(IexecTypes.AppOrder calldata order) internal pure returns (bytes32 h) {
        bytes32 typehash = APPORDER_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40) // scratch above the free memory pointer, not kept
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), order, 0x100)
            h := keccak256(ptr, 0x120)
        }
    }

    /// @dev Same layout as the app order: 8 static words, then `sign`.
    function hash(IexecTypes.DatasetOrder calldata order) internal pure returns (bytes32 h) {
        bytes32 typehash = DATASETORDER_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), order, 0x100)
            h := keccak256(ptr, 0x120)
        }
    }

    /// @dev 10 static words, then `sign`.
    function hash(IexecTypes.WorkerpoolOrder calldata order) internal pure returns (bytes32 h) {
        bytes32 typehash = WORKERPOOLORDER_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), order, 0x140)
            h := keccak256(ptr, 0x160)
        }
    }

    /// @dev Head words 0-12 are static (app … callback), word 13 is the offset of `params` (hashed as
    ///      keccak256(bytes(params)) instead), word 14 is `salt`, word 15 the offset of `sign` (not hashed).
    function hash(IexecTypes.RequestOrder calldata order) internal pure returns (bytes32 h) {
        bytes32 typehash = REQUESTORDER_TYPEHASH;
        string calldata params = order.params;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            // keccak256(bytes(params)) without allocating a memory copy
            calldatacopy(ptr, params.offset, params.length)
            let paramsHash := keccak256(ptr, params.length)
            mstore(ptr, typehash)
            calldatacopy(add(ptr, 0x20), order, 0x1a0) // 13 words: app .. callback
            mstore(add(ptr, 0x1c0), paramsHash)
            mstore(add(ptr, 0x1e0), calldataload(add(order, 0x1c0))) // salt, head word 14
            h := keccak256(ptr, 0x200)
        }
    }

    // -------------------------------------------------------------------------------------------------------------
    // Operation struct hashes: keccak256(abi.encode(OP_TYPEHASH, structHash(order), operation))
    // -------------------------------------------------------------------------------------------------------------

    function hash(IexecTypes.AppOrderOperation calldata op) internal pure returns (bytes32) {
        return keccak256(abi.encode(APPORDEROPERATION_TYPEHASH, hash(op.order), uint256(op.operation)));
    }

    function hash(IexecTypes.DatasetOrderOperation calldata op) internal pure returns (bytes32) {
        return keccak256(abi.encode(DATASETORDEROPERATION_TYPEHASH, hash(op.order), uint256(op.operation)));
    }

    function hash(IexecTypes.WorkerpoolOrderOperation calldata op) internal pure returns (bytes32) {
        return keccak256(abi.encode(WORKERPOOLORDEROPERATION_TYPEHASH, hash(op.order), uint256(op.operation)));
    }

    function hash(IexecTypes.RequestOrderOperation calldata op) internal pure returns (bytes32) {
        return keccak256(abi.encode(REQUESTORDEROPERATION_TYPEHASH, hash(op.order), uint256(op.operation)));
    }

    // -------------------------------------------------------------------------------------------------------------
    // Typed-data hash
    // -------------------------------------------------------------------------------------------------------------

    /// @dev EIP-712 digest keccak256(0x1901 ‖ separator ‖ structHash). Taking the separator as an argument lets a
    ///      caller hashing several orders derive it once.
    function toTypedDataHash(bytes32 separator, bytes32 structHash) internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), separator)
            mstore(add(ptr, 0x22), structHash)
            digest := keccak256(ptr, 0x42)
        }
    }
}
