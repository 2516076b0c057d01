import { describe, expect, it } from 'vitest';
import { keccak256, toBytes, type Address } from 'viem';
import type { DecodedEvent } from '../chain/decode.js';
import { ARBITRUM_ONE_TARGETS, arbitrumOneTarget } from '../chain/targets.js';
import { BondingLedger, LATEST_VERSIONS } from '../protocol/index.js';
import { ProtocolProjector } from './protocolProjector.js';
import { registeredTarget, UnknownTargetError } from './targetVersions.js';

// The "chain" is a BondingLedger of the version the Controller registered: its events are what that implementation
// emitted. The projector must replay them with the same version's rules, switching at each registration.
const BM = '0x35bcf3c30594191d53231e4ff333e8a770453e40' as Address;
const CONTROLLER = '0xd8e8328501e9645d16cf49539efc04f734606ee4' as Address;
const TREASURY = '0xf82c1ff415f1fcf582554fdba790e27019c8e8c4';
const LPT = 10n ** 18n;
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const [T1, D1, D2] = [addr(0xa1), addr(0xd1), addr(0xd2)];
const bmTarget = (version: number) => ARBITRUM_ONE_TARGETS.find((t) => t.contract === 'BondingManager' && t.version === version)!.address;

type Ev = { contract: string; name: string; args: Record<string, unknown> };

function harness(targetVersions: ConstructorParameters<typeof ProtocolProjector>[3]) {
  const p = ProtocolProjector.fresh(TREASURY, (_b, _c, param) => (param === 'numActiveTranscoders' ? 10n : undefined), targetVersions);
  let block = 100;
  const feed = (events: Ev[]) => {
    block++;
    const txHash = keccak256(toBytes(`tx${block}`));
    const decoded = events.map<DecodedEvent>((e, i) => ({
      ...(e as Pick<DecodedEvent, 'contract' | 'name' | 'args'>),
      address: e.contract === 'Controller' ? CONTROLLER : BM,
      blockNumber: block,
      logIndex: i,
      txHash,
      txIndex: 0,
    }));
    p.apply(decoded, new Map([[block, { number: block, timestamp: 1_700_000_000 + block, l1Block: null }]]));
    return block;
  };
  const register = (name: string, address: string): Ev => ({ contract: 'Controller', name: 'SetContractInfo', args: { id: keccak256(toBytes(name)), contractAddress: address, gitCommitHash: '0x' + '00'.repeat(20) } });
  return { p, feed, register };
}

/** Runs a v1-era history on `chain` and feeds its events to the projector: bonds, a reward, a transferBond. */
function v1History(chain: BondingLedger, h: ReturnType<typeof harness>): void {
  const newRound = (round: bigint, mintable: bigint): Ev[] => [
    { contract: 'RoundsManager', name: 'NewRound', args: { round, blockHash: keccak256(toBytes(`r${round}`)) } },
    ...chain.initializeRound({ round, currentMintableTokens: mintable }),
    { contract: 'Minter', name: 'SetCurrentRewardTokens', args: { currentMintableTokens: mintable, currentInflation: 600_000n } },
  ];
  chain.setNumActiveTranscoders(10n);
  h.feed([{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param: 'numActiveTranscoders' } }]);
  h.feed(newRound(5n, 0n));
  h.feed(chain.bond({ round: 5n, delegator: T1, amount: 1000n * LPT, to: T1 }));
  h.feed(chain.transcoder({ round: 5n, transcoder: T1, rewardCut: 100_000n, feeShare: 500_000n }));
  h.feed(chain.bond({ round: 5n, delegator: D1, amount: 300n * LPT, to: T1 }));
  h.feed(chain.bond({ round: 5n, delegator: D2, amount: 200n * LPT, to: T1 }));
  h.feed(newRound(6n, 100n * LPT));
  h.feed(chain.reward({ round: 6n, transcoder: T1 }));
  h.feed(newRound(7n, 100n * LPT));
  // Under v1 the receiver's rewards of round 6 stay unclaimed: no EarningsClaimed for D2.
  h.feed(chain.transferBond({ round: 7n, delegator: D1, receiver: D2, amount: 100n * LPT }));
}

describe('the vendored table of Arbitrum One implementations', () => {
  it('holds every version of each contract, and today\'s are the latest the rules know', () => {
    const versions = (c: string) => ARBITRUM_ONE_TARGETS.filter((t) => t.contract === c).map((t) => t.version);
    expect(versions('BondingManager')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(versions('TicketBroker')).toEqual([1, 2, 3]);
    expect(versions('Minter')).toEqual([1, 2]);
    expect(versions('RoundsManager')).toEqual([1]);
    for (const c of ['BondingManager', 'TicketBroker', 'Minter', 'RoundsManager'] as const) expect(Math.max(...versions(c))).toBe(LATEST_VERSIONS[c]);
    expect(arbitrumOneTarget('BondingManager', '0x6B397F20DC227B4E23FEC20BBDBE166D0DFFC452')).toMatchObject({ version: 9, deployBlock: 194176436 });
  });
});

describe('projector: each operation replayed with the version the Controller registered', () => {
  it('replays a v1 transferBond exactly under v1 and stops predicting it under today\'s rules', () => {
    const chain = new BondingLedger({ numActiveTranscoders: 0n, treasury: TREASURY, bondingManagerVersion: 1 });
    const h = harness('arbitrum-one');
    h.feed([h.register('BondingManagerTarget', bmTarget(1))]);
    v1History(chain, h);
    expect(h.p.takeChanges().divergences).toEqual([]);
    expect(h.p.ledger.bondingManagerVersion()).toBe(1);
    expect(h.p.extra.targets?.BondingManager).toEqual({ version: 1, address: bmTarget(1), block: 101 });
    expect(h.p.ledger.getDelegator(D2)).toEqual(chain.getDelegator(D2));
    expect(h.p.ledger.pendingStake(D2, 7n)).toBe(chain.pendingStake(D2, 7n));

    // The same chain replayed with v2's rules predicts the receiver's claim; with today's, a refusal of it.
    const v2 = harness({ ...LATEST_VERSIONS, BondingManager: 2 });
    v1History(new BondingLedger({ numActiveTranscoders: 0n, treasury: TREASURY, bondingManagerVersion: 1 }), v2);
    expect(v2.p.takeChanges().divergences.map((d) => d.what)).toEqual(['Unbond events']);
    const v9 = harness(LATEST_VERSIONS);
    v1History(new BondingLedger({ numActiveTranscoders: 0n, treasury: TREASURY, bondingManagerVersion: 1 }), v9);
    expect(v9.p.takeChanges().divergences.map((d) => [d.what, d.actual])).toEqual([['Unbond replay', 'reverts: ILLEGAL_CLAIM_EARNINGS']]);
  });

  it('switches rules at an upgrade: a transferBond after the v2 registration settles the receiver', () => {
    const chain = new BondingLedger({ numActiveTranscoders: 0n, treasury: TREASURY, bondingManagerVersion: 1 });
    const h = harness('arbitrum-one');
    h.feed([h.register('BondingManagerTarget', bmTarget(1))]);
    v1History(chain, h);
    const at = h.feed([h.register('BondingManagerTarget', bmTarget(2))]);
    chain.setBondingManagerVersion(2);
    chain.initializeRound({ round: 8n, currentMintableTokens: 0n });
    h.feed([{ contract: 'RoundsManager', name: 'NewRound', args: { round: 8n, blockHash: keccak256(toBytes('r8')) } }]);
    const ev = chain.transferBond({ round: 8n, delegator: D1, receiver: D2, amount: 10n * LPT });
    expect(ev.filter((e) => e.name === 'EarningsClaimed').map((e) => (e.args as { delegator: string }).delegator)).toEqual([D1, D2]);
    h.feed(ev);
    expect(h.p.takeChanges().divergences).toEqual([]);
    expect(h.p.extra.targets?.BondingManager).toEqual({ version: 2, address: bmTarget(2), block: at });
    expect(h.p.ledger.getDelegator(D2)).toEqual(chain.getDelegator(D2));
  });

  it('a TreasuryReward under a target without it (before v7) is a divergence, not replayed', () => {
    const h = harness('arbitrum-one');
    h.feed([h.register('BondingManagerTarget', bmTarget(6))]);
    h.feed([{ contract: 'BondingManager', name: 'TreasuryReward', args: { transcoder: T1, treasury: TREASURY, amount: 1n } }]);
    expect(h.p.takeChanges().divergences.map((d) => [d.what, d.expected])).toEqual([['TreasuryReward event', 'none: BondingManagerTarget v6 has no TreasuryReward event']]);
  });

  it('stops at a target address Arbitrum One never ran, naming the address and the block', () => {
    const h = harness('arbitrum-one');
    h.feed([h.register('BondingManagerTarget', bmTarget(9))]);
    const unknown = addr(0xbad);
    expect(() => h.feed([h.register('BondingManagerTarget', unknown)])).toThrow(UnknownTargetError);
    expect(() => h.feed([h.register('TicketBrokerTarget', unknown)])).toThrow(`unknown TicketBrokerTarget ${unknown} registered by the Controller at block 103`);
    // A known target of another contract is no match either.
    expect(() => registeredTarget('arbitrum-one', 'Minter', bmTarget(9), 7)).toThrow(`unknown Minter ${bmTarget(9)} registered by the Controller at block 7`);
  });

  it('stops at a BondingManager event before any registered target on Arbitrum One', () => {
    const h = harness('arbitrum-one');
    expect(() => h.feed([{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param: 'numActiveTranscoders' } }])).toThrow('before the Controller registered any BondingManagerTarget');
  });

  it('a network with fixed versions runs them whatever address its Controller registers', () => {
    const h = harness({ ...LATEST_VERSIONS, BondingManager: 3 });
    expect(h.p.ledger.bondingManagerVersion()).toBe(3);
    h.feed([h.register('BondingManagerTarget', addr(0xbad))]);
    expect(h.p.ledger.bondingManagerVersion()).toBe(3);
    expect(h.p.extra.targets?.BondingManager?.version).toBe(3);
  });

  it('a projection rebuilt from its saved scalars applies the registered version', () => {
    const h = harness('arbitrum-one');
    h.feed([h.register('BondingManagerTarget', bmTarget(4))]);
    const again = new ProtocolProjector(new BondingLedger({ numActiveTranscoders: 0n }), { extra: h.p.extra, rounds: new Map(), orchestrators: new Map(), gateways: new Map(), poolPayments: new Map(), proposals: new Map(), votes: [], treasuryCalls: new Map(), delegateHistory: [] }, () => undefined, 'arbitrum-one');
    expect(again.ledger.bondingManagerVersion()).toBe(4);
  });
});
