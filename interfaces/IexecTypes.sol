// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title IexecTypes
/// @notice The structs of the PoCo v5 ABI. Field names and order are part of the wire format (EIP-712 type strings,
///         `viewDeal`, `viewTask` tuples): clients written for PoCo v5 decode them positionally.
library IexecTypes {
    enum TaskStatusEnum {
        UNSET, //     never initialized
        ACTIVE, //    initialized, accepting contributions
        REVEALING, // consensus reached, winners reveal
        COMPLETED, // finalized, result accepted
        FAILED //     claimed after the final deadline
    }

    enum ContributionStatusEnum {
        UNSET,
        CONTRIBUTED,
        PROVED,
        REJECTED
    }

    enum OrderOperationEnum {
        SIGN,
        CLOSE
    }

    struct Account {
        uint256 stake; // free balance
        uint256 locked; // frozen amount
    }

    struct Category {
        string name;
        string description;
        uint256 workClockTimeRef;
    }

    struct Resource {
        address pointer;
        address owner;
        uint256 price;
    }

    struct Deal {
        Resource app;
        Resource dataset;
        Resource workerpool;
        uint256 trust;
        uint256 category;
        bytes32 tag;
        address requester;
        address beneficiary;
        address callback;
        string params;
        uint256 startTime;
        uint256 botFirst;
        uint256 botSize;
        uint256 workerStake;
        uint256 schedulerRewardRatio;
        address sponsor;
    }

    struct DealBoost {
        address appOwner;
        uint96 appPrice;
        address datasetOwner;
        uint96 datasetPrice;
        address workerpoolOwner;
        uint96 workerpoolPrice;
        address requester;
        uint96 workerReward;
        address callback;
        uint40 deadline;
        uint16 botFirst;
        uint16 botSize;
        bytes3 shortTag;
        address sponsor;
    }

    struct Task {
        TaskStatusEnum status;
        bytes32 dealid;
        uint256 idx;
        uint256 timeref;
        uint256 contributionDeadline;
        uint256 revealDeadline;
        uint256 finalDeadline;
        bytes32 consensusValue;
        uint256 revealCounter;
        uint256 winnerCounter;
        address[] contributors;
        bytes32 resultDigest;
        bytes results;
        uint256 resultsTimestamp;
        bytes resultsCallback;
    }

    struct Contribution {
        ContributionStatusEnum status;
        bytes32 resultHash;
        bytes32 resultSeal;
        address enclaveChallenge;
        uint256 weight;
    }

    struct EIP712Domain {
        string name;
        string version;
        uint256 chainId;
        address verifyingContract;
    }

    struct AppOrder {
        address app;
        uint256 appprice;
        uint256 volume;
        bytes32 tag;
        address datasetrestrict;
        address workerpoolrestrict;
        address requesterrestrict;
        bytes32 salt;
        bytes sign;
    }

    struct DatasetOrder {
        address dataset;
        uint256 datasetprice;
        uint256 volume;
        bytes32 tag;
        address apprestrict;
        address workerpoolrestrict;
        address requesterrestrict;
        bytes32 salt;
        bytes sign;
    }

    struct WorkerpoolOrder {
        address workerpool;
        uint256 workerpoolprice;
        uint256 volume;
        bytes32 tag;
        uint256 category;
        uint256 trust;
        address apprestrict;
        address datasetrestrict;
        address requesterrestrict;
        bytes32 salt;
        bytes sign;
    }

    struct RequestOrder {
        address app;
        uint256 appmaxprice;
        address dataset;
        uint256 datasetmaxprice;
        address workerpool;
        uint256 workerpoolmaxprice;
        address requester;
        uint256 volume;
        bytes32 tag;
        uint256 category;
        uint256 trust;
        address beneficiary;
        address callback;
        string params;
        bytes32 salt;
        bytes sign;
    }

    struct AppOrderOperation {
        AppOrder order;
        OrderOperationEnum operation;
        bytes sign;
    }

    struct DatasetOrderOperation {
        DatasetOrder order;
        OrderOperationEnum operation;
        bytes sign;
    }

    struct WorkerpoolOrderOperation {
        WorkerpoolOrder order;
        OrderOperationEnum operation;
        bytes sign;
    }

    struct RequestOrderOperation {
        RequestOrder order;
        OrderOperationEnum operation;
        bytes sign;
    }
}
