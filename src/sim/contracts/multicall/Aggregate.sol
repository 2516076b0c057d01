// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Batches read calls into one eth_call. Its one function has Multicall3's aggregate3 signature, so the indexer
// reads the simulator (where it is placed at Multicall3's address) and Arbitrum One (where Multicall3 lives there)
// with the same request.
contract Aggregate {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory data) = calls[i].target.call(calls[i].callData);
            require(ok || calls[i].allowFailure, "Aggregate: call failed");
            results[i] = Result(ok, data);
        }
    }
}
