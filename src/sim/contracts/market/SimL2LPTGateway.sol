// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface ILivepeerTokenLike {
    function mint(address to, uint256 amount) external;
    function burn(uint256 amount) external;
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// The L2 side of the LPT bridge as the simulator needs it, at the L2LPTGateway's Arbitrum One address with
/// its events (DepositFinalized, WithdrawalInitiated): deposits from L1 mint L2 LPT, withdrawals burn it.
/// The Arbitrum messaging itself is not simulated: the operator stands in for the L1 counterpart.
contract SimL2LPTGateway {
    address public operator;
    address public l1Lpt;
    address public l2Lpt;
    uint256 public exitNum;

    event DepositFinalized(address indexed _l1Token, address indexed _from, address indexed _to, uint256 _amount);
    event WithdrawalInitiated(address _l1Token, address indexed _from, address indexed _to, uint256 indexed _l2ToL1Id, uint256 _exitNum, uint256 _amount);

    function initialize(address _operator, address _l1Lpt, address _l2Lpt) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
        l1Lpt = _l1Lpt;
        l2Lpt = _l2Lpt;
    }

    /// A deposit made on L1 arrives: mint to the recipient.
    function finalizeInboundTransfer(address _l1Token, address _from, address _to, uint256 _amount, bytes calldata) external {
        require(msg.sender == operator, "ONLY_COUNTERPART_GATEWAY");
        require(_l1Token == l1Lpt, "TOKEN_NOT_LPT");
        ILivepeerTokenLike(l2Lpt).mint(_to, _amount);
        emit DepositFinalized(_l1Token, _from, _to, _amount);
    }

    /// Withdraw to L1: the sender's LPT is burnt here and released on L1 after the challenge period.
    function outboundTransfer(address _l1Token, address _to, uint256 _amount, bytes calldata) external returns (bytes memory) {
        require(_l1Token == l1Lpt, "TOKEN_NOT_LPT");
        require(_amount > 0, "INVALID_ZERO_AMOUNT");
        require(ILivepeerTokenLike(l2Lpt).transferFrom(msg.sender, address(this), _amount), "transfer");
        ILivepeerTokenLike(l2Lpt).burn(_amount);
        uint256 id = ++exitNum;
        emit WithdrawalInitiated(_l1Token, msg.sender, _to, id, id, _amount);
        return abi.encode(id);
    }
}
