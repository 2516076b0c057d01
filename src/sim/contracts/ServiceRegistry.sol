// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Service URI registry; the same code serves ServiceRegistry and AIServiceRegistry.
contract ServiceRegistry {
    mapping(address => string) private uris;

    event ServiceURIUpdate(address indexed addr, string serviceURI);

    function setServiceURI(string calldata serviceURI) external {
        uris[msg.sender] = serviceURI;
        emit ServiceURIUpdate(msg.sender, serviceURI);
    }

    function getServiceURI(address addr) external view returns (string memory) {
        return uris[addr];
    }
}
