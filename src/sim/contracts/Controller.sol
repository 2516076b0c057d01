// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Registry of protocol contracts; SetContractInfo announces deployments and upgrades (Controller.setContractInfo).
contract Controller {
    struct Info {
        address contractAddress;
        bytes20 gitCommitHash;
    }

    address public owner;
    mapping(bytes32 => Info) private registry;

    event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    function initialize(address _owner) external {
        require(owner == address(0), "already initialized");
        owner = _owner;
        emit OwnershipTransferred(address(0), _owner);
    }

    function transferOwnership(address newOwner) external {
        require(msg.sender == owner, "caller must be owner");
        require(newOwner != address(0), "invalid owner");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function setContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash) external {
        require(msg.sender == owner, "caller must be owner");
        registry[id] = Info(contractAddress, gitCommitHash);
        emit SetContractInfo(id, contractAddress, gitCommitHash);
    }

    function getContractInfo(bytes32 id) external view returns (address, bytes20) {
        Info storage i = registry[id];
        return (i.contractAddress, i.gitCommitHash);
    }

    function getContract(bytes32 id) external view returns (address) {
        return registry[id].contractAddress;
    }
}
