// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Probabilistic micropayments: gateways fund a deposit and reserve; orchestrators redeem winning
/// tickets and the ETH actually paid (possibly less than face value) goes to their fee pool.
contract TicketBroker is Managed {
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb;
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData;
    }

    struct Sender {
        uint256 deposit;
        uint256 withdrawRound;
    }

    struct Reserve {
        uint256 funds;
        uint256 claimedTotal;
        uint256 freezeRound;
        uint256 recipientsInFreeze;
        mapping(address => uint256) claimed;
    }

    uint256 public unlockPeriod;
    uint256 public ticketValidityPeriod;
    mapping(address => Sender) private senders;
    mapping(address => Reserve) private reserves;
    mapping(bytes32 => bool) public usedTickets;
    bool private initialized;

    event DepositFunded(address indexed sender, uint256 amount);
    event WinningTicketRedeemed(
        address indexed sender,
        address indexed recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 senderNonce,
        uint256 recipientRand,
        bytes auxData
    );
    event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount);
    event Unlock(address indexed sender, uint256 startRound, uint256 endRound);
    event UnlockCancelled(address indexed sender);
    event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve);
    event ReserveFunded(address indexed reserveHolder, uint256 amount);
    event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount);

    function initialize(uint256 _unlockPeriod, uint256 _validity) external {
        require(!initialized, "already initialized");
        initialized = true;
        unlockPeriod = _unlockPeriod;
        ticketValidityPeriod = _validity;
    }

    function fundDeposit() external payable {
        _fundDeposit(msg.value);
    }

    function fundReserve() external payable {
        _fundReserve(msg.value);
    }

    function fundDepositAndReserve(uint256 depositAmount, uint256 reserveAmount) external payable {
        require(msg.value == depositAmount + reserveAmount, "msg.value does not equal sum of deposit amount and reserve amount");
        _fundDeposit(depositAmount);
        _fundReserve(reserveAmount);
    }

    function _fundDeposit(uint256 amount) internal {
        _cancelUnlockIfActive(msg.sender);
        senders[msg.sender].deposit += amount;
        emit DepositFunded(msg.sender, amount);
    }

    function _fundReserve(uint256 amount) internal {
        _cancelUnlockIfActive(msg.sender);
        Reserve storage r = reserves[msg.sender];
        require(r.freezeRound == 0, "reserve is frozen");
        r.funds += amount;
        emit ReserveFunded(msg.sender, amount);
    }

    function _cancelUnlockIfActive(address s) internal {
        if (senders[s].withdrawRound > 0) {
            senders[s].withdrawRound = 0;
            emit UnlockCancelled(s);
        }
    }

    function unlock() external {
        Sender storage s = senders[msg.sender];
        require(s.deposit > 0 || reserves[msg.sender].funds > reserves[msg.sender].claimedTotal, "sender deposit and reserve are zero");
        require(s.withdrawRound == 0, "unlock already initiated");
        uint256 currentRound = _rounds().currentRound();
        s.withdrawRound = currentRound + unlockPeriod;
        emit Unlock(msg.sender, currentRound, s.withdrawRound);
    }

    function cancelUnlock() external {
        require(senders[msg.sender].withdrawRound > 0, "no unlock request in progress");
        senders[msg.sender].withdrawRound = 0;
        emit UnlockCancelled(msg.sender);
    }

    function withdraw() external {
        Sender storage s = senders[msg.sender];
        Reserve storage r = reserves[msg.sender];
        uint256 reserveLeft = r.funds - r.claimedTotal;
        require(s.deposit > 0 || reserveLeft > 0, "sender deposit and reserve are zero");
        require(s.withdrawRound > 0 && s.withdrawRound <= _rounds().currentRound(), "account is locked");
        uint256 dep = s.deposit;
        s.deposit = 0;
        s.withdrawRound = 0;
        r.funds = 0;
        r.claimedTotal = 0;
        r.freezeRound = 0;
        (bool ok, ) = payable(msg.sender).call{value: dep + reserveLeft}("");
        require(ok, "ETH transfer failed");
        emit Withdrawal(msg.sender, dep, reserveLeft);
    }

    function getSenderInfo(address s)
        external
        view
        returns (uint256 deposit, uint256 withdrawRound, uint256 reserveFunds, uint256 reserveClaimed, uint256 freezeRound)
    {
        Reserve storage r = reserves[s];
        return (senders[s].deposit, senders[s].withdrawRound, r.funds, r.claimedTotal, r.freezeRound);
    }

    function claimedReserve(address reserveHolder, address claimant) external view returns (uint256) {
        return reserves[reserveHolder].claimed[claimant];
    }

    function getTicketHash(Ticket calldata t) public pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, t.auxData)
        );
    }

    /// Redeems several winning tickets in one transaction, as orchestrators do to save gas.
    function batchRedeemWinningTickets(Ticket[] calldata tickets, bytes[] calldata sigs, uint256[] calldata recipientRands) external {
        require(tickets.length == sigs.length && tickets.length == recipientRands.length, "length mismatch");
        for (uint256 i = 0; i < tickets.length; i++) _redeem(tickets[i], recipientRands[i]);
    }

    /// The simulator only submits winning tickets, so sender signatures and the win draw are not
    /// re-checked here; replay, recipient rand and creation-round validity are.
    function redeemWinningTicket(Ticket calldata t, bytes calldata, uint256 recipientRand) external {
        _redeem(t, recipientRand);
    }

    function _redeem(Ticket calldata t, uint256 recipientRand) internal {
        bytes32 h = getTicketHash(t);
        require(t.recipient != address(0), "ticket recipient is null address");
        require(t.sender != address(0), "ticket sender is null address");
        require(!usedTickets[h], "ticket is used");
        require(keccak256(abi.encodePacked(recipientRand)) == t.recipientRandHash, "recipientRand does not match recipientRandHash");
        require(msg.sender == t.recipient, "caller must be ticket recipient");
        _validateAuxData(t.auxData);
        usedTickets[h] = true;
        IBondingManager bm = _bonding();
        require(bm.isActiveTranscoder(t.recipient), "transcoder must be active");
        uint256 creationRound = uint256(bytes32(t.auxData[0:32]));
        uint256 amount = _pay(t.sender, t.recipient, t.faceValue);
        if (amount > 0) {
            bm.updateTranscoderWithFees(t.recipient, amount, creationRound);
            _minter().depositETH{value: amount}();
            emit WinningTicketTransfer(t.sender, t.recipient, amount);
        }
        emit WinningTicketRedeemed(t.sender, t.recipient, t.faceValue, t.winProb, t.senderNonce, recipientRand, t.auxData);
    }

    function _validateAuxData(bytes calldata aux) internal view {
        require(aux.length == 64, "invalid length for ticket auxData: must be 64 bytes");
        uint256 creationRound = uint256(bytes32(aux[0:32]));
        bytes32 creationHash = bytes32(aux[32:64]);
        IRoundsManager rm = _rounds();
        bytes32 expected = rm.blockHashForRound(creationRound);
        require(expected != bytes32(0), "ticket creationRound does not have a block hash");
        require(creationHash == expected, "ticket creationRoundBlockHash invalid for creationRound");
        require(creationRound + ticketValidityPeriod > rm.currentRound(), "ticket is expired");
    }

    function _pay(address sender, address recipient, uint256 faceValue) internal returns (uint256) {
        Sender storage s = senders[sender];
        if (s.deposit >= faceValue) {
            s.deposit -= faceValue;
            return faceValue;
        }
        uint256 fromDeposit = s.deposit;
        s.deposit = 0;
        uint256 fromReserve = _claimFromReserve(sender, recipient, faceValue - fromDeposit);
        return fromDeposit + fromReserve;
    }

    /// Each active orchestrator may claim an equal share of a frozen reserve.
    function _claimFromReserve(address sender, address recipient, uint256 wanted) internal returns (uint256) {
        Reserve storage r = reserves[sender];
        uint256 currentRound = _rounds().currentRound();
        if (r.freezeRound == 0) {
            if (r.funds == r.claimedTotal) return 0;
            r.freezeRound = currentRound;
            r.recipientsInFreeze = _bonding().getTranscoderPoolSize();
        }
        if (r.recipientsInFreeze == 0) return 0;
        uint256 allocation = r.funds / r.recipientsInFreeze;
        uint256 already = r.claimed[recipient];
        if (already >= allocation) return 0;
        uint256 amount = allocation - already;
        if (amount > wanted) amount = wanted;
        r.claimed[recipient] = already + amount;
        r.claimedTotal += amount;
        emit ReserveClaimed(sender, recipient, amount);
        return amount;
    }
}
