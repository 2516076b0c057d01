// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Active set of orchestrators sorted by stake, descending, as a doubly linked list so that a
/// stake update rewrites a few links instead of shifting an array. A new or updated key is placed
/// ahead of existing equal keys, so among equals the longest-standing one is evicted first.
library ActivePool {
    struct Node {
        uint256 key;
        address next;
        address prev;
        bool member;
    }

    struct Data {
        mapping(address => Node) nodes;
        address head;
        address tail;
        uint256 size;
        uint256 maxSize;
    }

    function contains(Data storage self, address id) internal view returns (bool) {
        return self.nodes[id].member;
    }

    function isFull(Data storage self) internal view returns (bool) {
        return self.size >= self.maxSize;
    }

    function last(Data storage self) internal view returns (address) {
        return self.tail;
    }

    function next(Data storage self, address id) internal view returns (address) {
        return self.nodes[id].next;
    }

    function insert(Data storage self, address id, uint256 key) internal {
        require(!self.nodes[id].member, "node already in list");
        require(self.size < self.maxSize, "list is full");
        address cur = self.head;
        while (cur != address(0) && self.nodes[cur].key > key) cur = self.nodes[cur].next;
        Node storage n = self.nodes[id];
        n.key = key;
        n.member = true;
        if (cur == address(0)) {
            n.prev = self.tail;
            n.next = address(0);
            if (self.tail != address(0)) self.nodes[self.tail].next = id;
            else self.head = id;
            self.tail = id;
        } else {
            address before = self.nodes[cur].prev;
            n.prev = before;
            n.next = cur;
            self.nodes[cur].prev = id;
            if (before != address(0)) self.nodes[before].next = id;
            else self.head = id;
        }
        self.size += 1;
    }

    function remove(Data storage self, address id) internal {
        Node storage n = self.nodes[id];
        require(n.member, "node not in list");
        if (n.prev != address(0)) self.nodes[n.prev].next = n.next;
        else self.head = n.next;
        if (n.next != address(0)) self.nodes[n.next].prev = n.prev;
        else self.tail = n.prev;
        delete self.nodes[id];
        self.size -= 1;
    }

    function updateKey(Data storage self, address id, uint256 key) internal {
        remove(self, id);
        insert(self, id, key);
    }
}

/// Staking, delegation, reward and fee accounting with the LIP-36 cumulative factors (EarningsPoolLIP36, docs/protocol.md §5–8).
contract BondingManager is Managed {
    using ActivePool for ActivePool.Data;

    uint256 private constant MAX_FUTURE_ROUND = type(uint256).max;

    struct EarningsPool {
        uint256 totalStake;
        uint256 transcoderRewardCut;
        uint256 transcoderFeeShare;
        uint256 cumulativeRewardFactor;
        uint256 cumulativeFeeFactor;
    }

    struct Transcoder {
        uint256 lastRewardRound;
        uint256 rewardCut;
        uint256 feeShare;
        mapping(uint256 => EarningsPool) earningsPoolPerRound;
        uint256 lastActiveStakeUpdateRound;
        uint256 activationRound;
        uint256 deactivationRound;
        uint256 activeCumulativeRewards;
        uint256 cumulativeRewards;
        uint256 cumulativeFees;
        uint256 lastFeeRound;
    }

    struct UnbondingLock {
        uint256 amount;
        uint256 withdrawRound;
    }

    struct Delegator {
        uint256 bondedAmount;
        uint256 fees;
        address delegateAddress;
        uint256 delegatedAmount;
        uint256 startRound;
        uint256 lastClaimRound;
        uint256 nextUnbondingLockId;
        mapping(uint256 => UnbondingLock) unbondingLocks;
    }

    enum DelegatorStatus {
        Pending,
        Bonded,
        Unbonded
    }

    uint64 public unbondingPeriod;
    mapping(address => Delegator) private delegators;
    mapping(address => Transcoder) private transcoders;
    uint256 public currentRoundTotalActiveStake;
    uint256 public nextRoundTotalActiveStake;
    ActivePool.Data private pool;
    uint256 public treasuryRewardCutRate;
    uint256 public nextRoundTreasuryRewardCutRate;
    uint256 public treasuryBalanceCeiling;

    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    event TranscoderSlashed(address indexed transcoder, address finder, uint256 penalty, uint256 finderReward);
    event Reward(address indexed transcoder, uint256 amount);
    event TreasuryReward(address indexed transcoder, address treasury, uint256 amount);
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    event Unbond(
        address indexed delegate,
        address indexed delegator,
        uint256 unbondingLockId,
        uint256 amount,
        uint256 withdrawRound
    );
    event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount);
    event TransferBond(
        address indexed oldDelegator,
        address indexed newDelegator,
        uint256 oldUnbondingLockId,
        uint256 newUnbondingLockId,
        uint256 amount
    );
    event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
    event WithdrawFees(address indexed delegator, address recipient, uint256 amount);
    event EarningsClaimed(
        address indexed delegate,
        address indexed delegator,
        uint256 rewards,
        uint256 fees,
        uint256 startRound,
        uint256 endRound
    );

    modifier currentRoundInitialized() {
        require(_rounds().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    // ---------------------------------------------------------------- parameters

    function setUnbondingPeriod(uint64 _unbondingPeriod) external onlyControllerOwner {
        unbondingPeriod = _unbondingPeriod;
        emit ParameterUpdate("unbondingPeriod");
    }

    function setNumActiveTranscoders(uint256 n) external onlyControllerOwner {
        require(n > pool.maxSize, "new max size must be greater than old max size");
        pool.maxSize = n;
        emit ParameterUpdate("numActiveTranscoders");
    }

    function setTreasuryRewardCutRate(uint256 cutRate) external onlyControllerOwner {
        _setTreasuryRewardCutRate(cutRate);
    }

    function setTreasuryBalanceCeiling(uint256 ceiling) external onlyControllerOwner {
        treasuryBalanceCeiling = ceiling;
        emit ParameterUpdate("treasuryBalanceCeiling");
    }

    function _setTreasuryRewardCutRate(uint256 cutRate) internal {
        require(cutRate <= Perc.PRECISE, "_cutRate is invalid precise percentage");
        nextRoundTreasuryRewardCutRate = cutRate;
        emit ParameterUpdate("nextRoundTreasuryRewardCutRate");
    }

    // ---------------------------------------------------------------- round hook

    function setCurrentRoundTotalActiveStake() external {
        require(msg.sender == _contract("RoundsManager"), "caller must be RoundsManager");
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
        if (nextRoundTreasuryRewardCutRate != treasuryRewardCutRate) {
            treasuryRewardCutRate = nextRoundTreasuryRewardCutRate;
            emit ParameterUpdate("treasuryRewardCutRate");
        }
        _votes().checkpointTotalActiveStake(currentRoundTotalActiveStake, _rounds().currentRound());
    }

    // ---------------------------------------------------------------- orchestrator actions

    function transcoder(uint256 rewardCut, uint256 feeShare) external currentRoundInitialized {
        require(!_rounds().currentRoundLocked(), "can't update transcoder params, current round is locked");
        require(rewardCut <= Perc.PERC_DIVISOR, "invalid rewardCut percentage");
        require(feeShare <= Perc.PERC_DIVISOR, "invalid feeShare percentage");
        require(isRegisteredTranscoder(msg.sender), "transcoder must be registered");
        Transcoder storage t = transcoders[msg.sender];
        uint256 currentRound = _rounds().currentRound();
        require(
            !isActiveTranscoder(msg.sender) || t.lastRewardRound == currentRound,
            "caller can't be active or must have already called reward for the current round"
        );
        t.rewardCut = rewardCut;
        t.feeShare = feeShare;
        if (!pool.contains(msg.sender)) {
            _tryToJoinActiveSet(msg.sender, delegators[msg.sender].delegatedAmount, currentRound + 1);
        }
        emit TranscoderUpdate(msg.sender, rewardCut, feeShare);
    }

    function reward() external {
        _reward(msg.sender);
    }

    function _reward(address addr) internal currentRoundInitialized {
        uint256 currentRound = _rounds().currentRound();
        require(isActiveTranscoder(addr), "transcoder must be active");
        Transcoder storage t = transcoders[addr];
        require(t.lastRewardRound != currentRound, "caller has already called reward for the current round");
        EarningsPool storage ep = t.earningsPoolPerRound[currentRound];
        ep.transcoderRewardCut = t.rewardCut;
        ep.transcoderFeeShare = t.feeShare;
        uint256 lastUpdateRound = t.lastActiveStakeUpdateRound;
        if (lastUpdateRound < currentRound) {
            ep.totalStake = t.earningsPoolPerRound[lastUpdateRound].totalStake;
        }
        if (treasuryBalanceCeiling > 0) {
            uint256 balance = _token().balanceOf(_contract("Treasury"));
            if (balance >= treasuryBalanceCeiling && nextRoundTreasuryRewardCutRate > 0) {
                _setTreasuryRewardCutRate(0);
            }
        }
        IMinter mtr = _minter();
        uint256 totalRewardTokens = mtr.createReward(ep.totalStake, currentRoundTotalActiveStake);
        uint256 treasuryRewards = Perc.ofPerc(totalRewardTokens, treasuryRewardCutRate, Perc.PRECISE);
        if (treasuryRewards > 0) {
            address trsry = _contract("Treasury");
            mtr.trustedTransferTokens(trsry, treasuryRewards);
            emit TreasuryReward(addr, trsry, treasuryRewards);
        }
        uint256 transcoderRewards = totalRewardTokens - treasuryRewards;
        _updateTranscoderWithRewards(addr, transcoderRewards, currentRound);
        t.lastRewardRound = currentRound;
        emit Reward(addr, transcoderRewards);
        _checkpoint(addr);
    }

    function _updateTranscoderWithRewards(address addr, uint256 rewards, uint256 round) internal {
        Transcoder storage t = transcoders[addr];
        EarningsPool storage ep = t.earningsPoolPerRound[round];
        uint256 prevCRF = t.earningsPoolPerRound[t.lastRewardRound].cumulativeRewardFactor;
        t.activeCumulativeRewards = t.cumulativeRewards;
        assert(t.activeCumulativeRewards <= ep.totalStake);
        uint256 commission = Perc.ofPerc(rewards, ep.transcoderRewardCut, Perc.PERC_DIVISOR);
        uint256 delegatorsRewards = rewards - commission;
        uint256 ownStakeRewards = Perc.frac(delegatorsRewards, t.activeCumulativeRewards, ep.totalStake, Perc.PRECISE);
        t.cumulativeRewards = t.cumulativeRewards + ownStakeRewards + commission;
        if (prevCRF == 0) prevCRF = Perc.PRECISE;
        ep.cumulativeRewardFactor = prevCRF + Perc.frac(prevCRF, delegatorsRewards, ep.totalStake, Perc.PRECISE);
        _increaseTotalStake(addr, rewards);
    }

    // ---------------------------------------------------------------- fees (TicketBroker)

    function updateTranscoderWithFees(address addr, uint256 fees, uint256) external {
        require(msg.sender == _contract("TicketBroker"), "caller must be TicketBroker");
        require(isRegisteredTranscoder(addr), "transcoder must be registered");
        uint256 currentRound = _rounds().currentRound();
        Transcoder storage t = transcoders[addr];
        uint256 lastRewardRound = t.lastRewardRound;
        uint256 activeCumulativeRewards = t.activeCumulativeRewards;
        EarningsPool storage ep = t.earningsPoolPerRound[currentRound];
        EarningsPool memory prev = _latestCumulativeFactorsPool(t, currentRound - 1);
        if (currentRound > lastRewardRound) {
            ep.transcoderRewardCut = t.rewardCut;
            ep.transcoderFeeShare = t.feeShare;
            uint256 lastUpdateRound = t.lastActiveStakeUpdateRound;
            if (lastUpdateRound < currentRound) {
                ep.totalStake = t.earningsPoolPerRound[lastUpdateRound].totalStake;
            }
            activeCumulativeRewards = t.cumulativeRewards;
        }
        uint256 totalStake = ep.totalStake;
        if (prev.cumulativeRewardFactor == 0 && lastRewardRound == currentRound) {
            prev.cumulativeRewardFactor = _retroactiveCRF(ep, totalStake);
        }
        assert(activeCumulativeRewards <= totalStake);
        uint256 delegatorsFees = Perc.ofPerc(fees, ep.transcoderFeeShare, Perc.PERC_DIVISOR);
        uint256 commissionFees = fees - delegatorsFees;
        uint256 ownStakeFees = Perc.frac(delegatorsFees, activeCumulativeRewards, totalStake, Perc.PRECISE);
        t.cumulativeFees = t.cumulativeFees + ownStakeFees + commissionFees;
        uint256 prevCRF = prev.cumulativeRewardFactor != 0 ? prev.cumulativeRewardFactor : Perc.PRECISE;
        uint256 inc = Perc.frac(prevCRF, delegatorsFees, totalStake, Perc.PRECISE);
        if (ep.cumulativeFeeFactor == 0) {
            ep.cumulativeFeeFactor = prev.cumulativeFeeFactor + inc;
        } else {
            ep.cumulativeFeeFactor = ep.cumulativeFeeFactor + inc;
        }
        t.lastFeeRound = currentRound;
    }

    /// Estimate of the previous round's CRF when the orchestrator skipped it but called reward now, from the
    /// round's whole reward budget: what the Minter can still mint plus what it already minted this round.
    function _retroactiveCRF(EarningsPool storage ep, uint256 totalStake) internal view returns (uint256) {
        IMinter mtr = _minter();
        uint256 budget = mtr.currentMintableTokens() + mtr.currentMintedTokens();
        uint256 rewards = Perc.frac(budget, totalStake, currentRoundTotalActiveStake, Perc.PRECISE);
        uint256 treasuryRewards = Perc.ofPerc(rewards, treasuryRewardCutRate, Perc.PRECISE);
        rewards = rewards - treasuryRewards;
        uint256 commission = Perc.ofPerc(rewards, ep.transcoderRewardCut, Perc.PERC_DIVISOR);
        uint256 delegatorsRewards = rewards - commission;
        return Perc.frac(ep.cumulativeRewardFactor, totalStake, delegatorsRewards + totalStake, Perc.PRECISE);
    }

    // ---------------------------------------------------------------- delegator actions

    function bond(uint256 amount, address to) external {
        bondFor(amount, msg.sender, to);
    }

    function bondFor(uint256 amount, address owner, address to) public currentRoundInitialized {
        _authorizeClaimEarnings(owner);
        if (msg.sender != owner) {
            require(owner != address(0), "INVALID_DELEGATOR");
            if (delegatorStatus(owner) == DelegatorStatus.Unbonded) {
                require(to != owner, "INVALID_DELEGATE");
            } else {
                require(delegators[owner].delegateAddress == to, "INVALID_DELEGATE_CHANGE");
            }
        }
        _autoClaimEarnings(owner);
        Delegator storage del = delegators[owner];
        uint256 currentRound = _rounds().currentRound();
        uint256 delegationAmount = amount;
        address currentDelegate = del.delegateAddress;
        uint256 currentBondedAmount = del.bondedAmount;
        _ensurePendingDeactivationTranscoderCalledReward(to);
        if (delegatorStatus(owner) == DelegatorStatus.Unbonded) {
            del.startRound = currentRound + 1;
        } else if (currentBondedAmount > 0 && currentDelegate != to) {
            require(!isRegisteredTranscoder(owner), "registered transcoders can't delegate towards other addresses");
            del.startRound = currentRound + 1;
            delegationAmount += currentBondedAmount;
            _decreaseTotalStake(currentDelegate, currentBondedAmount);
            _checkpoint(currentDelegate);
        }
        _ensureInitializedCumulativeFactorsPool(to, currentRound);
        require(delegationAmount > 0, "delegation amount must be greater than 0");
        del.delegateAddress = to;
        del.bondedAmount = currentBondedAmount + amount;
        _increaseTotalStake(to, delegationAmount);
        if (to != owner) _checkpoint(to);
        if (amount > 0) {
            _token().transferFrom(msg.sender, address(_minter()), amount);
        }
        emit Bond(to, currentDelegate, owner, amount, del.bondedAmount);
        _checkpoint(owner);
    }

    function unbond(uint256 amount) public currentRoundInitialized {
        _autoClaimEarnings(msg.sender);
        _unbond(msg.sender, amount);
        _checkpoint(msg.sender);
    }

    function _unbond(address owner, uint256 amount) internal {
        require(delegatorStatus(owner) == DelegatorStatus.Bonded, "caller must be bonded");
        Delegator storage del = delegators[owner];
        require(amount > 0, "unbond amount must be greater than 0");
        require(amount <= del.bondedAmount, "amount is greater than bonded amount");
        address currentDelegate = del.delegateAddress;
        uint256 withdrawRound = _rounds().currentRound() + unbondingPeriod;
        uint256 lockId = del.nextUnbondingLockId;
        del.unbondingLocks[lockId] = UnbondingLock(amount, withdrawRound);
        del.nextUnbondingLockId = lockId + 1;
        del.bondedAmount -= amount;
        if (del.bondedAmount == 0) {
            del.delegateAddress = address(0);
            del.startRound = 0;
            if (pool.contains(owner)) _resignTranscoder(owner);
        }
        _decreaseTotalStake(currentDelegate, amount);
        if (currentDelegate != owner) _checkpoint(currentDelegate);
        emit Unbond(currentDelegate, owner, lockId, amount, withdrawRound);
    }

    function rebond(uint256 lockId) external currentRoundInitialized {
        _autoClaimEarnings(msg.sender);
        require(delegatorStatus(msg.sender) != DelegatorStatus.Unbonded, "caller must be bonded");
        _processRebond(msg.sender, lockId);
    }

    function rebondFromUnbonded(address to, uint256 lockId) external currentRoundInitialized {
        _autoClaimEarnings(msg.sender);
        require(delegatorStatus(msg.sender) == DelegatorStatus.Unbonded, "caller must be unbonded");
        uint256 currentRound = _rounds().currentRound();
        _ensureInitializedCumulativeFactorsPool(to, currentRound);
        delegators[msg.sender].startRound = currentRound + 1;
        delegators[msg.sender].delegateAddress = to;
        _processRebond(msg.sender, lockId);
    }

    /// The four pool hints of the deployed signature are accepted and ignored (the pool is searched instead).
    function transferBond(address receiver, uint256 amount, address, address, address, address) external currentRoundInitialized {
        _authorizeClaimEarnings(receiver);
        _autoClaimEarnings(msg.sender);
        Delegator storage oldDel = delegators[msg.sender];
        address oldDelDelegate = oldDel.delegateAddress;
        _unbond(msg.sender, amount);
        _checkpoint(msg.sender);
        uint256 oldLockId = oldDel.nextUnbondingLockId - 1;
        uint256 withdrawRound = oldDel.unbondingLocks[oldLockId].withdrawRound;
        delete oldDel.unbondingLocks[oldLockId];
        Delegator storage newDel = delegators[receiver];
        uint256 newLockId = newDel.nextUnbondingLockId;
        newDel.unbondingLocks[newLockId] = UnbondingLock(amount, withdrawRound);
        newDel.nextUnbondingLockId = newLockId + 1;
        emit TransferBond(msg.sender, receiver, oldLockId, newLockId, amount);
        uint256 currentRound = _rounds().currentRound();
        if (newDel.lastClaimRound < currentRound) {
            _updateDelegatorWithEarnings(receiver, currentRound, newDel.lastClaimRound);
        }
        if (newDel.delegateAddress == address(0) && newDel.bondedAmount == 0) {
            require(oldDelDelegate != receiver, "INVALID_DELEGATOR");
            require(receiver != address(0), "INVALID_DELEGATOR");
            newDel.delegateAddress = oldDelDelegate;
        }
        if (delegatorStatus(receiver) == DelegatorStatus.Unbonded) {
            newDel.startRound = currentRound + 1;
        }
        _processRebond(receiver, newLockId);
    }

    function withdrawStake(uint256 lockId) external currentRoundInitialized {
        Delegator storage del = delegators[msg.sender];
        UnbondingLock storage lock = del.unbondingLocks[lockId];
        require(isValidUnbondingLock(msg.sender, lockId), "invalid unbonding lock ID");
        require(lock.withdrawRound <= _rounds().currentRound(), "withdraw round must be before or equal to the current round");
        uint256 amount = lock.amount;
        uint256 withdrawRound = lock.withdrawRound;
        delete del.unbondingLocks[lockId];
        _minter().trustedTransferTokens(msg.sender, amount);
        emit WithdrawStake(msg.sender, lockId, amount, withdrawRound);
    }

    function withdrawFees(address payable recipient, uint256 amount) external currentRoundInitialized {
        _autoClaimEarnings(msg.sender);
        require(recipient != address(0), "invalid recipient");
        uint256 fees = delegators[msg.sender].fees;
        require(fees >= amount, "insufficient fees to withdraw");
        delegators[msg.sender].fees = fees - amount;
        _minter().trustedWithdrawETH(recipient, amount);
        emit WithdrawFees(msg.sender, recipient, amount);
        _checkpoint(msg.sender);
    }

    function claimEarnings(uint256) external currentRoundInitialized {
        _autoClaimEarnings(msg.sender);
        _checkpoint(msg.sender);
    }

    function _processRebond(address owner, uint256 lockId) internal {
        Delegator storage del = delegators[owner];
        require(isValidUnbondingLock(owner, lockId), "invalid unbonding lock ID");
        uint256 amount = del.unbondingLocks[lockId].amount;
        del.bondedAmount += amount;
        delete del.unbondingLocks[lockId];
        address delegate = del.delegateAddress;
        _ensurePendingDeactivationTranscoderCalledReward(delegate);
        _increaseTotalStake(delegate, amount);
        if (delegate != owner) _checkpoint(delegate);
        emit Rebond(delegate, owner, lockId, amount);
        _checkpoint(owner);
    }

    // ---------------------------------------------------------------- earnings

    function _autoClaimEarnings(address owner) internal {
        uint256 currentRound = _rounds().currentRound();
        uint256 lastClaimRound = delegators[owner].lastClaimRound;
        if (lastClaimRound < currentRound) {
            _updateDelegatorWithEarnings(owner, currentRound, lastClaimRound);
        }
    }

    function _authorizeClaimEarnings(address owner) internal view {
        if (msg.sender == owner || delegatorStatus(owner) == DelegatorStatus.Unbonded) return;
        Delegator storage del = delegators[owner];
        address delegate = del.delegateAddress;
        if (!isActiveTranscoder(delegate)) return;
        uint256 currentRound = _rounds().currentRound();
        require(
            transcoders[delegate].lastRewardRound == currentRound || del.lastClaimRound == currentRound,
            "ILLEGAL_CLAIM_EARNINGS"
        );
    }

    function _updateDelegatorWithEarnings(address owner, uint256 endRound, uint256 lastClaimRound) internal {
        Delegator storage del = delegators[owner];
        uint256 newBonded = del.bondedAmount;
        uint256 newFees = del.fees;
        if (del.delegateAddress != address(0)) {
            (newBonded, newFees) = _pendingStakeAndFees(owner, endRound);
            address delegate = del.delegateAddress;
            _ensureInitializedCumulativeFactorsPool(delegate, endRound);
            if (delegate == owner) {
                Transcoder storage t = transcoders[delegate];
                t.cumulativeFees = 0;
                t.cumulativeRewards = 0;
            }
        }
        emit EarningsClaimed(
            del.delegateAddress,
            owner,
            newBonded - del.bondedAmount,
            newFees - del.fees,
            lastClaimRound + 1,
            endRound
        );
        del.lastClaimRound = endRound;
        del.bondedAmount = newBonded;
        del.fees = newFees;
    }

    function _pendingStakeAndFees(address owner, uint256 endRound) internal view returns (uint256 stake, uint256 fees) {
        Delegator storage del = delegators[owner];
        Transcoder storage t = transcoders[del.delegateAddress];
        fees = del.fees;
        stake = del.bondedAmount;
        uint256 startRound = del.lastClaimRound + 1;
        if (startRound <= endRound) {
            uint256 startCRF = t.earningsPoolPerRound[startRound - 1].cumulativeRewardFactor;
            uint256 startCFF = t.earningsPoolPerRound[startRound - 1].cumulativeFeeFactor;
            EarningsPool memory endPool = _latestCumulativeFactorsPool(t, endRound);
            if (startCRF == 0) startCRF = Perc.PRECISE;
            uint256 endCRF = endPool.cumulativeRewardFactor == 0 ? Perc.PRECISE : endPool.cumulativeRewardFactor;
            uint256 cStake = Perc.frac(stake, endCRF, startCRF, Perc.PRECISE);
            fees = fees + Perc.frac(stake, endPool.cumulativeFeeFactor - startCFF, startCRF, Perc.PRECISE);
            stake = cStake;
        }
        if (owner == del.delegateAddress) {
            stake += t.cumulativeRewards;
            fees += t.cumulativeFees;
        }
    }

    function _latestCumulativeFactorsPool(Transcoder storage t, uint256 round) internal view returns (EarningsPool memory p) {
        p.cumulativeRewardFactor = t.earningsPoolPerRound[round].cumulativeRewardFactor;
        p.cumulativeFeeFactor = t.earningsPoolPerRound[round].cumulativeFeeFactor;
        uint256 lrr = t.lastRewardRound;
        if (p.cumulativeRewardFactor == 0 && lrr < round) {
            p.cumulativeRewardFactor = t.earningsPoolPerRound[lrr].cumulativeRewardFactor;
        }
        uint256 lfr = t.lastFeeRound;
        if (p.cumulativeFeeFactor == 0 && lfr < round) {
            p.cumulativeFeeFactor = t.earningsPoolPerRound[lfr].cumulativeFeeFactor;
        }
    }

    function _ensureInitializedCumulativeFactorsPool(address addr, uint256 round) internal {
        Transcoder storage t = transcoders[addr];
        EarningsPool storage p = t.earningsPoolPerRound[round];
        if (p.cumulativeRewardFactor == 0) {
            uint256 lrr = t.lastRewardRound;
            if (lrr < round) p.cumulativeRewardFactor = t.earningsPoolPerRound[lrr].cumulativeRewardFactor;
        }
        if (p.cumulativeFeeFactor == 0) {
            uint256 lfr = t.lastFeeRound;
            if (lfr < round) p.cumulativeFeeFactor = t.earningsPoolPerRound[lfr].cumulativeFeeFactor;
        }
    }

    function _ensurePendingDeactivationTranscoderCalledReward(address addr) internal view {
        Transcoder storage t = transcoders[addr];
        if (isActiveTranscoder(addr) && t.deactivationRound != MAX_FUTURE_ROUND) {
            require(t.lastRewardRound == _rounds().currentRound(), "transcoder has not yet called reward for the current round");
        }
    }

    // ---------------------------------------------------------------- stake and active set

    function _increaseTotalStake(address delegate, uint256 amount) internal {
        Transcoder storage t = transcoders[delegate];
        uint256 currStake = delegators[delegate].delegatedAmount;
        uint256 newStake = currStake + amount;
        uint256 currRound = _rounds().currentRound();
        uint256 nextRound = currRound + 1;
        // Only a member of the next round's pool records its stake per round (BondingManager.increaseTotalStake): an
        // orchestrator active now but evicted or resigned for the next round keeps its pools as they were.
        if (pool.contains(delegate)) {
            pool.updateKey(delegate, newStake);
            nextRoundTotalActiveStake += amount;
            if (t.lastActiveStakeUpdateRound < currRound) {
                t.earningsPoolPerRound[currRound].totalStake = currStake;
            }
            t.earningsPoolPerRound[nextRound].totalStake = newStake;
            t.lastActiveStakeUpdateRound = nextRound;
        } else if (isRegisteredTranscoder(delegate)) {
            _tryToJoinActiveSet(delegate, newStake, nextRound);
        }
        delegators[delegate].delegatedAmount = newStake;
    }

    function _decreaseTotalStake(address delegate, uint256 amount) internal {
        Transcoder storage t = transcoders[delegate];
        uint256 currStake = delegators[delegate].delegatedAmount;
        uint256 newStake = currStake - amount;
        // As in BondingManager.decreaseTotalStake: only a member of the next round's pool.
        if (pool.contains(delegate)) {
            pool.updateKey(delegate, newStake);
            nextRoundTotalActiveStake -= amount;
            uint256 currRound = _rounds().currentRound();
            uint256 nextRound = currRound + 1;
            if (t.lastActiveStakeUpdateRound < currRound) {
                t.earningsPoolPerRound[currRound].totalStake = currStake;
            }
            t.lastActiveStakeUpdateRound = nextRound;
            t.earningsPoolPerRound[nextRound].totalStake = newStake;
        }
        delegators[delegate].delegatedAmount = newStake;
    }

    function _tryToJoinActiveSet(address addr, uint256 totalStake, uint256 activationRound) internal {
        uint256 pending = nextRoundTotalActiveStake;
        if (pool.isFull()) {
            address lastT = pool.last();
            uint256 lastStake = delegators[lastT].delegatedAmount;
            if (totalStake <= lastStake) return;
            pool.remove(lastT);
            transcoders[lastT].deactivationRound = activationRound;
            pending -= lastStake;
            emit TranscoderDeactivated(lastT, activationRound);
        }
        pool.insert(addr, totalStake);
        pending += totalStake;
        Transcoder storage t = transcoders[addr];
        t.lastActiveStakeUpdateRound = activationRound;
        t.activationRound = activationRound;
        t.deactivationRound = MAX_FUTURE_ROUND;
        t.earningsPoolPerRound[activationRound].totalStake = totalStake;
        nextRoundTotalActiveStake = pending;
        emit TranscoderActivated(addr, activationRound);
    }

    function _resignTranscoder(address addr) internal {
        pool.remove(addr);
        nextRoundTotalActiveStake -= delegators[addr].delegatedAmount;
        uint256 deactivationRound = _rounds().currentRound() + 1;
        transcoders[addr].deactivationRound = deactivationRound;
        emit TranscoderDeactivated(addr, deactivationRound);
    }

    function _votes() internal view returns (IBondingVotes) {
        return IBondingVotes(_contract("BondingVotes"));
    }

    function _checkpoint(address owner) internal {
        Delegator storage d = delegators[owner];
        _votes().checkpointBondingState(
            owner,
            _rounds().currentRound() + 1,
            d.bondedAmount,
            d.delegateAddress,
            d.delegatedAmount,
            d.lastClaimRound,
            transcoders[owner].lastRewardRound
        );
    }

    // ---------------------------------------------------------------- views

    function pendingStake(address owner, uint256) external view returns (uint256 stake) {
        (stake, ) = _pendingStakeAndFees(owner, _rounds().currentRound());
    }

    function pendingFees(address owner, uint256) external view returns (uint256 fees) {
        (, fees) = _pendingStakeAndFees(owner, _rounds().currentRound());
    }

    function transcoderTotalStake(address addr) external view returns (uint256) {
        return delegators[addr].delegatedAmount;
    }

    function transcoderStatus(address addr) external view returns (uint8) {
        return isRegisteredTranscoder(addr) ? 1 : 0;
    }

    function delegatorStatus(address owner) public view returns (DelegatorStatus) {
        Delegator storage del = delegators[owner];
        if (del.bondedAmount == 0) return DelegatorStatus.Unbonded;
        if (del.startRound > _rounds().currentRound()) return DelegatorStatus.Pending;
        return DelegatorStatus.Bonded;
    }

    function getTranscoder(address addr)
        external
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 lastActiveStakeUpdateRound,
            uint256 activationRound,
            uint256 deactivationRound,
            uint256 activeCumulativeRewards,
            uint256 cumulativeRewards,
            uint256 cumulativeFees,
            uint256 lastFeeRound
        )
    {
        Transcoder storage t = transcoders[addr];
        return (
            t.lastRewardRound,
            t.rewardCut,
            t.feeShare,
            t.lastActiveStakeUpdateRound,
            t.activationRound,
            t.deactivationRound,
            t.activeCumulativeRewards,
            t.cumulativeRewards,
            t.cumulativeFees,
            t.lastFeeRound
        );
    }

    function getTranscoderEarningsPoolForRound(address addr, uint256 round)
        external
        view
        returns (
            uint256 totalStake,
            uint256 transcoderRewardCut,
            uint256 transcoderFeeShare,
            uint256 cumulativeRewardFactor,
            uint256 cumulativeFeeFactor
        )
    {
        EarningsPool storage p = transcoders[addr].earningsPoolPerRound[round];
        return (p.totalStake, p.transcoderRewardCut, p.transcoderFeeShare, p.cumulativeRewardFactor, p.cumulativeFeeFactor);
    }

    function getDelegator(address owner)
        external
        view
        returns (
            uint256 bondedAmount,
            uint256 fees,
            address delegateAddress,
            uint256 delegatedAmount,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        Delegator storage d = delegators[owner];
        return (d.bondedAmount, d.fees, d.delegateAddress, d.delegatedAmount, d.startRound, d.lastClaimRound, d.nextUnbondingLockId);
    }

    function getDelegatorUnbondingLock(address owner, uint256 lockId) external view returns (uint256 amount, uint256 withdrawRound) {
        UnbondingLock storage l = delegators[owner].unbondingLocks[lockId];
        return (l.amount, l.withdrawRound);
    }

    function getTranscoderPoolMaxSize() external view returns (uint256) {
        return pool.maxSize;
    }

    function getTranscoderPoolSize() external view returns (uint256) {
        return pool.size;
    }

    function getFirstTranscoderInPool() external view returns (address) {
        return pool.head;
    }

    function getNextTranscoderInPool(address addr) external view returns (address) {
        return pool.next(addr);
    }

    function getTotalBonded() external view returns (uint256) {
        return currentRoundTotalActiveStake;
    }

    function isActiveTranscoder(address addr) public view returns (bool) {
        Transcoder storage t = transcoders[addr];
        uint256 currentRound = _rounds().currentRound();
        return t.activationRound <= currentRound && currentRound < t.deactivationRound;
    }

    function isRegisteredTranscoder(address addr) public view returns (bool) {
        Delegator storage d = delegators[addr];
        return d.delegateAddress == addr && d.bondedAmount > 0;
    }

    function isValidUnbondingLock(address owner, uint256 lockId) public view returns (bool) {
        return delegators[owner].unbondingLocks[lockId].withdrawRound > 0;
    }
}
