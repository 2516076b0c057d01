import { encodeAbiParameters, encodeEventTopics, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { roundsManagerEvents, ticketBrokerEvents } from '../../src/chain/abis.js';
import { compareHistories, type HistoryTx } from './protocolHistory.js';

const RM: Address = '0xdd6f56dcc28d3f5f27084381fe8df634985cc39f';
const TB: Address = '0xa8bb618b1520e284046f3dfc448851a1ff26e41b';
const GW: Address = '0x00000000000000000000000000000000000000a1';
const ORCH: Address = '0x00000000000000000000000000000000000000b2';
const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;

function newRound(round: bigint, blockHash: Hex): HistoryTx {
  const topics = encodeEventTopics({ abi: roundsManagerEvents, eventName: 'NewRound', args: { round } }) as Hex[];
  return { round: Number(round), slot: 0, kind: 'initializeRound', from: ORCH, to: RM, selector: '0xd4807fb2', ok: true, logs: [{ address: RM, topics, data: blockHash }] };
}

function ticket(round: bigint, blockHash: Hex, nonce: bigint, faceValue = 10n ** 16n): HistoryTx {
  const topics = encodeEventTopics({ abi: ticketBrokerEvents, eventName: 'WinningTicketRedeemed', args: { sender: GW, recipient: ORCH } }) as Hex[];
  const auxData = encodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], [round, blockHash]);
  const data = encodeAbiParameters(
    [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }],
    [faceValue, 2n ** 255n, nonce, 7n, auxData],
  );
  return { round: Number(round), slot: 1, kind: 'ticket', from: ORCH, to: TB, selector: '0xec8b3cb6', ok: true, logs: [{ address: TB, topics, data }] };
}

describe('compareHistories', () => {
  it('counts block hashes and the nonces they lead to as intended differences, and checks each chain keeps to its own', () => {
    const own = [newRound(10n, hash(1)), ticket(10n, hash(1), 3n), ticket(10n, hash(1), 4n)];
    const real = [newRound(10n, hash(2)), ticket(10n, hash(2), 5n), ticket(10n, hash(2), 9n)];
    const c = compareHistories(own, real);
    expect(c.differences).toEqual([]);
    expect(c.broken).toEqual([]);
    expect(c.intended).toEqual({ 'RoundsManager.NewRound.blockHash': 1, 'TicketBroker.WinningTicketRedeemed.auxData': 2, 'TicketBroker.WinningTicketRedeemed.senderNonce': 2 });
    expect(c.logs).toBe(3);
  });

  it("reports a ticket whose paid fields differ, a hash that is not its chain's own, a nonce used twice", () => {
    const own = [newRound(10n, hash(1)), ticket(10n, hash(1), 3n), ticket(10n, hash(1), 3n)];
    const real = [newRound(10n, hash(2)), ticket(10n, hash(1), 5n, 2n * 10n ** 16n), ticket(10n, hash(2), 6n)];
    const c = compareHistories(own, real);
    expect(c.differences).toHaveLength(1);
    expect(c.differences[0]).toContain('WinningTicketRedeemed');
    expect(c.broken).toHaveLength(2);
    expect(c.broken.join('\n')).toMatch(/real ticket's auxData hash is not that chain's NewRound hash of round 10/);
    expect(c.broken.join('\n')).toMatch(/own sender .* used nonce 3 twice/);
  });

  it('reports any other log difference, a missing log, an outcome and where the agent model parts', () => {
    const base = newRound(10n, hash(1));
    const other = { ...base, logs: [{ ...base.logs[0]!, topics: [base.logs[0]!.topics[0]!, hash(11)] }] };
    expect(compareHistories([base], [other]).differences[0]).toContain('NewRound of round 10 on Atlas');
    expect(compareHistories([base], [{ ...base, logs: [] }]).differences).toEqual(["tx 0 (round 10 slot 0, initializeRound from 0x00000000000000000000000000000000000000b2): 1 logs on Atlas's contracts, 0 on the real ones"]);
    expect(compareHistories([base], [{ ...base, ok: false, logs: [] }]).differences[0]).toContain('succeeded on Atlas');
    const parted = compareHistories([base, base], [base, { ...base, kind: 'bond' }]);
    expect(parted.differences).toHaveLength(1);
    expect(parted.differences[0]).toContain('histories part here');
    const token = { ...base, logs: [{ address: TB, topics: [hash(5)], data: '0x01' as Hex }] };
    expect(compareHistories([token], [{ ...token, logs: [{ ...token.logs[0]!, data: '0x02' }] }]).differences[0]).toContain('0x01 on Atlas');
  });
});
