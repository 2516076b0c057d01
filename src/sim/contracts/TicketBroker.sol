// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Probabilistic micropayments: gateways fund a deposit and a reserve (the ETH is held by the Minter); a
/// winning ticket, signed by its sender, pays its face value from the deposit and, when that runs dry, from an
/// equal share of the reserve per active orchestrator and round. Fees go to the recipient's current pool.
contract TicketBroker is Managed {
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb; // probability winProb / (2^256 - 1)
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData; // creationRound (32 bytes) ++ blockHashForRound(creationRound) (32 bytes)
    }

    struct Sender {
        uint256 deposit;
        uint256 withdrawRound;
    }

    struct ReserveInfo {
        uint256 fundsRemaining;
        uint256 claimedInCurrentRound;
    }

    struct Reserve {
        uint256 funds;
        mapping(uint256 => uint256) claimedForRound;
        mapping(uint256 => mapping(address => uint256)) claimedByAddress;
    }

    uint256 public unlockPeriod;
    uint256 public ticketValidityPeriod;
    mapping(address => Sender) internal senders;
    mapping(address => Reserve) internal reserves;
    mapping(bytes32 => bool) public usedTickets;

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

    modifier currentRoundInitialized() {
        require(_rounds().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    function setUnlockPeriod(uint256 _unlockPeriod) external onlyControllerOwner {
        unlockPeriod = _unlockPeriod;
        emit ParameterUpdate("unlockPeriod");
    }

    function setTicketValidityPeriod(uint256 _ticketValidityPeriod) external onlyControllerOwner {
        require(_ticketValidityPeriod > 0, "ticketValidityPeriod must be greater than 0");
        ticketValidityPeriod = _ticketValidityPeriod;
        emit ParameterUpdate("ticketValidityPeriod");
    }

    // ---------------------------------------------------------------- funding

    function fundDeposit() external payable {
        _addDeposit(msg.sender, msg.value);
        _toMinter(msg.value);
        emit DepositFunded(msg.sender, msg.value);
    }

    function fundReserve() external payable {
        _addReserve(msg.sender, msg.value);
        _toMinter(msg.value);
    }

    /// The reserve is credited (ReserveFunded) before the deposit is announced (DepositFunded).
    function fundDepositAndReserve(uint256 depositAmount, uint256 reserveAmount) external payable {
        require(msg.value == depositAmount + reserveAmount, "msg.value does not equal sum of deposit amount and reserve amount");
        _addDeposit(msg.sender, depositAmount);
        _addReserve(msg.sender, reserveAmount);
        _toMinter(msg.value);
        emit DepositFunded(msg.sender, depositAmount);
    }

    function _addDeposit(address s, uint256 amount) internal {
        senders[s].deposit += amount;
        if (senders[s].withdrawRound > 0) _cancelUnlock(s);
    }

    function _addReserve(address s, uint256 amount) internal {
        reserves[s].funds += amount;
        emit ReserveFunded(s, amount);
        if (senders[s].withdrawRound > 0) _cancelUnlock(s);
    }

    function _toMinter(uint256 amount) internal {
        _minter().depositETH{value: amount}();
    }

    // ---------------------------------------------------------------- unlock and withdraw

    function unlock() external {
        Sender storage s = senders[msg.sender];
        require(s.deposit > 0 || reserves[msg.sender].funds > 0, "sender deposit and reserve are zero");
        require(s.withdrawRound == 0, "unlock already initiated");
        uint256 currentRound = _rounds().currentRound();
        s.withdrawRound = currentRound + unlockPeriod;
        emit Unlock(msg.sender, currentRound, s.withdrawRound);
    }

    function cancelUnlock() external {
        _cancelUnlock(msg.sender);
    }

    function _cancelUnlock(address s) internal {
        require(senders[s].withdrawRound > 0, "no unlock request in progress");
        senders[s].withdrawRound = 0;
        emit UnlockCancelled(s);
    }

    function withdraw() external {
        Sender storage s = senders[msg.sender];
        uint256 dep = s.deposit;
        uint256 res = reserves[msg.sender].funds;
        require(dep > 0 || res > 0, "sender deposit and reserve are zero");
        require(s.withdrawRound > 0, "no unlock request in progress");
        require(!_isLocked(s), "account is locked");
        s.deposit = 0;
        // Only the funds are cleared: the per-round claim records stay (claims are refused from the withdraw round on).
        reserves[msg.sender].funds = 0;
        _minter().trustedWithdrawETH(payable(msg.sender), dep + res);
        emit Withdrawal(msg.sender, dep, res);
    }

    function _isLocked(Sender storage s) internal view returns (bool) {
        return s.withdrawRound == 0 || _rounds().currentRound() < s.withdrawRound;
    }

    // ---------------------------------------------------------------- views

    function getSenderInfo(address s) external view returns (Sender memory sender, ReserveInfo memory reserve) {
        sender = senders[s];
        reserve = getReserveInfo(s);
    }

    function getReserveInfo(address holder) public view returns (ReserveInfo memory info) {
        info.fundsRemaining = reserves[holder].funds;
        info.claimedInCurrentRound = reserves[holder].claimedForRound[_rounds().currentRound()];
    }

    function claimedReserve(address holder, address claimant) external view returns (uint256) {
        return reserves[holder].claimedByAddress[_rounds().currentRound()][claimant];
    }

    /// What `claimant` may still claim from `holder`'s reserve this round: an equal share per member of the
    /// active pool of what the reserve held at the round's first claim; nothing for an inactive claimant.
    function claimableReserve(address holder, address claimant) public view returns (uint256) {
        Reserve storage r = reserves[holder];
        uint256 currentRound = _rounds().currentRound();
        IBondingManager bm = _bonding();
        if (!bm.isActiveTranscoder(claimant)) return 0;
        uint256 poolSize = bm.getTranscoderPoolSize();
        if (poolSize == 0) return 0;
        return (r.funds + r.claimedForRound[currentRound]) / poolSize - r.claimedByAddress[currentRound][claimant];
    }

    function getTicketHash(Ticket memory t) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, t.auxData));
    }

    // ---------------------------------------------------------------- redemption

    /// Redeems several winning tickets; one that fails is skipped, the others still pay.
    function batchRedeemWinningTickets(Ticket[] memory tickets, bytes[] memory sigs, uint256[] memory recipientRands) external currentRoundInitialized {
        for (uint256 i = 0; i < tickets.length; i++) {
            (bool ok, ) = address(this).call(abi.encodeWithSelector(this.redeemWinningTicket.selector, tickets[i], sigs[i], recipientRands[i]));
            ok;
        }
    }

    function redeemWinningTicket(Ticket memory t, bytes memory sig, uint256 recipientRand) public currentRoundInitialized {
        bytes32 h = getTicketHash(t);
        _requireValidWinningTicket(t, h, sig, recipientRand);
        Sender storage s = senders[t.sender];
        require(_isLocked(s), "sender is unlocked");
        require(s.deposit > 0 || reserves[t.sender].funds > 0, "sender deposit and reserve are zero");
        usedTickets[h] = true;
        uint256 amount;
        if (t.faceValue > s.deposit) {
            amount = s.deposit + _claimFromReserve(t.sender, t.recipient, t.faceValue - s.deposit);
            s.deposit = 0;
        } else {
            amount = t.faceValue;
            s.deposit -= t.faceValue;
        }
        if (amount > 0) {
            _bonding().updateTranscoderWithFees(t.recipient, amount, uint256(_word(t.auxData, 0)));
            emit WinningTicketTransfer(t.sender, t.recipient, amount);
        }
        emit WinningTicketRedeemed(t.sender, t.recipient, t.faceValue, t.winProb, t.senderNonce, recipientRand, t.auxData);
    }

    function _claimFromReserve(address holder, address claimant, uint256 wanted) internal returns (uint256) {
        uint256 claimable = claimableReserve(holder, claimant);
        uint256 amount = wanted > claimable ? claimable : wanted;
        if (amount > 0) {
            uint256 currentRound = _rounds().currentRound();
            Reserve storage r = reserves[holder];
            r.claimedForRound[currentRound] += amount;
            r.claimedByAddress[currentRound][claimant] += amount;
            r.funds -= amount;
            emit ReserveClaimed(holder, claimant, amount);
        }
        return amount;
    }

    function _requireValidWinningTicket(Ticket memory t, bytes32 h, bytes memory sig, uint256 recipientRand) internal view {
        require(t.recipient != address(0), "ticket recipient is null address");
        require(t.sender != address(0), "ticket sender is null address");
        _requireValidAuxData(t.auxData);
        require(keccak256(abi.encodePacked(recipientRand)) == t.recipientRandHash, "recipientRand does not match recipientRandHash");
        require(!usedTickets[h], "ticket is used");
        require(sig.length == 65, "INVALID_SIGNATURE_LENGTH");
        address signer = _recover(keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", h)), sig);
        require(signer != address(0) && signer == t.sender, "invalid signature over ticket hash");
        require(uint256(keccak256(abi.encodePacked(sig, recipientRand))) < t.winProb, "ticket did not win");
    }

    function _requireValidAuxData(bytes memory aux) internal view {
        require(aux.length == 64, "invalid length for ticket auxData: must be 64 bytes");
        uint256 creationRound = uint256(_word(aux, 0));
        IRoundsManager rm = _rounds();
        bytes32 expected = rm.blockHashForRound(creationRound);
        require(expected != bytes32(0), "ticket creationRound does not have a block hash");
        require(_word(aux, 32) == expected, "ticket creationRoundBlockHash invalid for creationRound");
        require(creationRound + ticketValidityPeriod > rm.currentRound(), "ticket is expired");
    }

    function _word(bytes memory b, uint256 offset) internal pure returns (bytes32 w) {
        assembly {
            w := mload(add(add(b, 32), offset))
        }
    }

    /// ecrecover of a 65-byte (r, s, v) signature, refusing malleable (high-s) ones and v other than 27/28.
    function _recover(bytes32 digest, bytes memory sig) internal pure returns (address) {
        bytes32 r = _word(sig, 0);
        bytes32 s = _word(sig, 32);
        uint8 v = uint8(sig[64]);
        require(uint256(s) <= 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0, "ECDSA: invalid signature 's' value");
        require(v == 27 || v == 28, "ECDSA: invalid signature 'v' value");
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "ECDSA: invalid signature");
        return signer;
    }
}
