// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Timelock holding the community treasury; only the governor schedules and executes batches.
contract Treasury {
    uint256 internal constant DONE_TIMESTAMP = 1;

    address public governor;
    uint256 private minDelay;
    mapping(bytes32 => uint256) private timestamps;

    event CallScheduled(
        bytes32 indexed id,
        uint256 indexed index,
        address target,
        uint256 value,
        bytes data,
        bytes32 predecessor,
        uint256 delay
    );
    event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data);
    event CallSalt(bytes32 indexed id, bytes32 salt);
    event Cancelled(bytes32 indexed id);
    event MinDelayChange(uint256 oldDuration, uint256 newDuration);

    receive() external payable {}

    function initialize(address _governor, uint256 _minDelay) external {
        require(governor == address(0), "already initialized");
        governor = _governor;
        minDelay = _minDelay;
        emit MinDelayChange(0, _minDelay);
    }

    modifier onlyGovernor() {
        require(msg.sender == governor, "TimelockController: caller is not the governor");
        _;
    }

    function getMinDelay() external view returns (uint256) {
        return minDelay;
    }

    function hashOperationBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(targets, values, payloads, predecessor, salt));
    }

    function getTimestamp(bytes32 id) external view returns (uint256) {
        return timestamps[id];
    }

    function isOperationPending(bytes32 id) public view returns (bool) {
        return timestamps[id] > DONE_TIMESTAMP;
    }

    function isOperationReady(bytes32 id) public view returns (bool) {
        uint256 ts = timestamps[id];
        return ts > DONE_TIMESTAMP && ts <= block.timestamp;
    }

    function isOperationDone(bytes32 id) public view returns (bool) {
        return timestamps[id] == DONE_TIMESTAMP;
    }

    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) external onlyGovernor {
        require(targets.length == values.length && targets.length == payloads.length, "TimelockController: length mismatch");
        require(delay >= minDelay, "TimelockController: insufficient delay");
        bytes32 id = hashOperationBatch(targets, values, payloads, predecessor, salt);
        require(timestamps[id] == 0, "TimelockController: operation already scheduled");
        timestamps[id] = block.timestamp + delay;
        for (uint256 i = 0; i < targets.length; ++i) {
            emit CallScheduled(id, i, targets[i], values[i], payloads[i], predecessor, delay);
        }
        // TimelockController.scheduleBatch names a non-zero salt (the governor's description hash) after the calls.
        if (salt != bytes32(0)) emit CallSalt(id, salt);
    }

    function executeBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) external payable onlyGovernor {
        bytes32 id = hashOperationBatch(targets, values, payloads, predecessor, salt);
        require(isOperationReady(id), "TimelockController: operation is not ready");
        require(predecessor == bytes32(0) || isOperationDone(predecessor), "TimelockController: missing dependency");
        for (uint256 i = 0; i < targets.length; ++i) {
            (bool ok, bytes memory ret) = targets[i].call{value: values[i]}(payloads[i]);
            if (!ok) {
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
            emit CallExecuted(id, i, targets[i], values[i], payloads[i]);
        }
        timestamps[id] = DONE_TIMESTAMP;
    }

    function cancel(bytes32 id) external onlyGovernor {
        require(isOperationPending(id), "TimelockController: operation cannot be cancelled");
        delete timestamps[id];
        emit Cancelled(id);
    }
}
