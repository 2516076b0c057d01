import { describe, expect, it } from 'vitest';
import { keccak256, toBytes, type Address, type Hex } from 'viem';
import type { DecodedEvent } from '../chain/decode.js';
import { BondingLedger } from '../protocol/index.js';
import { ProtocolProjector } from './protocolProjector.js';
import type { BlockContext } from './state.js';

const BM = '0x35bcf3c30594191d53231e4ff333e8a770453e40' as Address;
const TREASURY = '0xf82c1ff415f1fcf582554fdba790e27019c8e8c4';

function parameterUpdate(blockNumber: number, param: string): DecodedEvent {
  return { contract: 'BondingManager', name: 'ParameterUpdate', args: { param }, address: BM, blockNumber, logIndex: 0, txHash: keccak256(toBytes(`${blockNumber}`)) as Hex, txIndex: 0 };
}

function applyAt(p: ProtocolProjector, e: DecodedEvent): void {
  const block: BlockContext = { number: e.blockNumber, timestamp: 1_700_000_000 + e.blockNumber, l1Block: null };
  p.apply([e], new Map([[e.blockNumber, block]]));
}

describe('projector: the active set size comes from the chain', () => {
  // A new BondingManager has no active slots; its deployment's setNumActiveTranscoders(n) emits
  // ParameterUpdate("numActiveTranscoders"), and the pool may only grow.
  it('takes the deployment value, whatever it is, without a divergence', () => {
    for (const slots of [8n, 100n]) {
      const p = ProtocolProjector.fresh(TREASURY, (_b, contract, param) => (contract === 'BondingManager' && param === 'numActiveTranscoders' ? slots : undefined));
      applyAt(p, parameterUpdate(10, 'numActiveTranscoders'));
      const changes = p.takeChanges();
      expect(changes.divergences).toEqual([]);
      expect(p.ledger.getTranscoderPoolMaxSize()).toBe(slots);
      expect(changes.params.map((r) => [r.param, r.value])).toEqual([['numActiveTranscoders', slots.toString()]]);
    }
  });

  it('refuses a smaller pool later, as SortedDoublyLL.setMaxSize does', () => {
    let value = 10n;
    const p = ProtocolProjector.fresh(TREASURY, () => value);
    applyAt(p, parameterUpdate(10, 'numActiveTranscoders'));
    value = 9n;
    applyAt(p, parameterUpdate(11, 'numActiveTranscoders'));
    const changes = p.takeChanges();
    expect(changes.divergences.map((d) => d.what)).toEqual(['ParameterUpdate replay']);
    expect(p.ledger.getTranscoderPoolMaxSize()).toBe(10n);
  });
});

describe('projector: a treasury cut rate the node cannot serve', () => {
  // The BondingManager "chain" is a ledger of its own here: its events are what the contract emitted. The
  // projector's node cannot tell the cut rate set at deployment, so it takes it from what rewards pay the treasury.
  const T = '0x00000000000000000000000000000000000000a1';
  const chain = new BondingLedger({ numActiveTranscoders: 0n, treasury: TREASURY });
  let block = 100;
  const feed = (p: ProtocolProjector, events: { contract: string; name: string; args: Record<string, unknown> }[]) => {
    block++;
    const txHash = keccak256(toBytes(`tx${block}`));
    const decoded = events.map<DecodedEvent>((e, i) => ({ ...(e as Pick<DecodedEvent, 'contract' | 'name' | 'args'>), address: BM, blockNumber: block, logIndex: i, txHash, txIndex: 0 }));
    p.apply(decoded, new Map([[block, { number: block, timestamp: 1_700_000_000 + block, l1Block: null }]]));
  };
  const newRound = (round: bigint, mintable: bigint) => [
    { contract: 'RoundsManager', name: 'NewRound', args: { round, blockHash: keccak256(toBytes(`r${round}`)) } },
    ...chain.initializeRound({ round, currentMintableTokens: mintable }),
    { contract: 'Minter', name: 'SetCurrentRewardTokens', args: { currentMintableTokens: mintable, currentInflation: 600_000n } },
  ];

  it('infers it from the first reward and then predicts every reward split', () => {
    const p = ProtocolProjector.fresh(TREASURY, (_b, _c, param) => (param === 'numActiveTranscoders' ? 10n : undefined));
    chain.setNumActiveTranscoders(10n);
    feed(p, [{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param: 'numActiveTranscoders' } }]);
    feed(p, chain.setTreasuryRewardCutRate(10n ** 26n));
    feed(p, newRound(5n, 0n));
    feed(p, chain.bond({ round: 5n, delegator: T, amount: 10_000n * 10n ** 18n, to: T }));
    feed(p, chain.transcoder({ round: 5n, transcoder: T, rewardCut: 100_000n, feeShare: 500_000n }));
    for (const round of [6n, 7n, 8n]) {
      feed(p, newRound(round, 1_000n * 10n ** 18n));
      feed(p, chain.reward({ round, transcoder: T }));
    }
    const divergences = p.takeChanges().divergences.map((d) => d.what);
    // Only the unreadable parameter updates are flagged (set at deployment, switched in at the next round); every
    // Reward and TreasuryReward is predicted, the first one included.
    expect(divergences).toEqual(['parameter nextRoundTreasuryRewardCutRate', 'parameter treasuryRewardCutRate']);
    expect(p.ledger.globals().treasuryRewardCutRate).toBe(10n ** 26n);
    expect(p.ledger.getEarningsPool(T, 8n)).toEqual(chain.getEarningsPool(T, 8n));
    expect(p.ledger.getTranscoder(T)).toEqual(chain.getTranscoder(T));
  });
});
