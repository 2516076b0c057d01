import { describe, expect, it } from 'vitest';
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, parseAbiItem, toEventSelector, type AbiEvent, type AbiParameter, type Hex } from 'viem';
import { bondingManagerEvents, governorEvents, pollCreatorEvents, ticketBrokerEvents } from './abis.js';
import { EventDecoder } from './decode.js';
import { simulatorNetwork } from './networks.js';

const net = simulatorNetwork();
const decoder = new EventDecoder(net);
const A = (s: string) => `0x${s.repeat(40).slice(0, 40)}`.toLowerCase() as Hex;

function log(address: Hex, topics: Hex[], data: Hex) {
  return { address, topics, data, blockNumber: 1, logIndex: 0, transactionHash: `0x${'ab'.repeat(32)}` as Hex, transactionIndex: 0 };
}

describe('EventDecoder', () => {
  it('decodes static events (fast path) exactly as the generic ABI decoder does', () => {
    const topics = encodeEventTopics({ abi: bondingManagerEvents, eventName: 'Bond', args: { newDelegate: A('A1'), oldDelegate: A('00'), delegator: A('B2') } });
    const data = encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [2n ** 200n + 7n, 123n]);
    const l = log(net.contracts.BondingManager.address, topics as Hex[], data);
    const got = decoder.decode(l)!;
    const ref = decodeEventLog({ abi: bondingManagerEvents, topics: topics as [Hex, ...Hex[]], data });
    expect(got.name).toBe('Bond');
    expect(got.args).toEqual({
      newDelegate: (ref.args as { newDelegate: string }).newDelegate.toLowerCase(),
      oldDelegate: (ref.args as { oldDelegate: string }).oldDelegate.toLowerCase(),
      delegator: (ref.args as { delegator: string }).delegator.toLowerCase(),
      additionalAmount: 2n ** 200n + 7n,
      bondedAmount: 123n,
    });
  });

  it('decodes dynamic events (bytes, strings, arrays) through the generic path', () => {
    const topics = encodeEventTopics({ abi: ticketBrokerEvents, eventName: 'WinningTicketRedeemed', args: { sender: A('C3'), recipient: A('D4') } });
    const aux = `0x${'11'.repeat(64)}` as Hex;
    const data = encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }],
      [10n, 20n, 30n, 40n, aux],
    );
    const got = decoder.decode(log(net.contracts.TicketBroker.address, topics as Hex[], data))!;
    expect(got.args).toMatchObject({ sender: A('C3').toLowerCase(), faceValue: 10n, recipientRand: 40n, auxData: aux });
    const vt = encodeEventTopics({ abi: governorEvents, eventName: 'VoteCast', args: { voter: A('E5') } });
    const vd = encodeAbiParameters([{ type: 'uint256' }, { type: 'uint8' }, { type: 'uint256' }, { type: 'string' }], [99n, 1, 5n, 'yes']);
    expect(decoder.decode(log(net.contracts.LivepeerGovernor.address, vt as Hex[], vd))!.args).toMatchObject({ proposalId: 99n, support: 1, weight: 5n, reason: 'yes' });
  });

  it('decodes ticket redemptions (static words and a bytes field) exactly as the generic ABI decoder does, for any auxData length', () => {
    const topics = encodeEventTopics({ abi: ticketBrokerEvents, eventName: 'WinningTicketRedeemed', args: { sender: A('C3'), recipient: A('D4') } }) as Hex[];
    for (const aux of ['0x', '0x01', `0x${'ab'.repeat(33)}`, `0x${'Cd'.repeat(64)}`] as Hex[]) {
      const data = encodeAbiParameters(
        [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }],
        [2n ** 255n + 3n, 1n, 2n ** 64n, 0n, aux],
      );
      const ref = decodeEventLog({ abi: ticketBrokerEvents, topics: topics as [Hex, ...Hex[]], data, strict: true }).args as Record<string, unknown>;
      const got = decoder.decode(log(net.contracts.TicketBroker.address, topics, data))!.args;
      expect(got).toEqual({ ...ref, sender: String(ref.sender).toLowerCase(), recipient: String(ref.recipient).toLowerCase(), auxData: aux.toLowerCase() });
    }
  });

  it('rejects a ticket redemption whose bytes field points outside the data', () => {
    const topics = encodeEventTopics({ abi: ticketBrokerEvents, eventName: 'WinningTicketRedeemed', args: { sender: A('C3'), recipient: A('D4') } }) as Hex[];
    const good = encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes' }],
      [1n, 2n, 3n, 4n, `0x${'11'.repeat(40)}`],
    );
    const word = (n: number) => n.toString(16).padStart(64, '0');
    // Offset beyond the end, and a length longer than what follows.
    const badOffset = `${good.slice(0, 2 + 4 * 64)}${word(4096)}${good.slice(2 + 5 * 64)}` as Hex;
    const badLength = `${good.slice(0, 2 + 5 * 64)}${word(1000)}${good.slice(2 + 6 * 64)}` as Hex;
    for (const data of [badOffset, badLength]) expect(() => decoder.decode(log(net.contracts.TicketBroker.address, topics, data))).toThrow();
  });

  it('decodes legacy poll creation on the PollCreator address', () => {
    const topics = encodeEventTopics({ abi: pollCreatorEvents, eventName: 'PollCreated', args: { poll: A('F6') } });
    const data = encodeAbiParameters([{ type: 'bytes' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], ['0x1220ab', 15_000_000n, 333_300n, 500_000n]);
    const got = decoder.decode(log(net.contracts.PollCreator.address, topics as Hex[], data))!;
    expect(got.contract).toBe('PollCreator');
    expect(got.args).toEqual({ poll: A('F6'), proposal: '0x1220ab', endBlock: 15_000_000n, quorum: 333_300n, quota: 500_000n });
  });

  it('reports logs it does not know and a malformed known log is not silently misread', () => {
    expect(decoder.decode(log(A('99'), [`0x${'00'.repeat(32)}`], '0x'))).toBeNull();
    expect(decoder.unknown.size).toBeGreaterThan(0);
    const topics = encodeEventTopics({ abi: bondingManagerEvents, eventName: 'Reward', args: { transcoder: A('A1') } });
    expect(() => decoder.decode(log(net.contracts.BondingManager.address, topics as Hex[], '0x1234'))).toThrow();
  });
});

// Every event in the ABIs of the deployed contracts (livepeer/protocol's arbitrumMainnet deployments, the L2 token,
// the L2 migrator and the L1 supply cache), by the contract whose address emits it.
const deployedEvents: Record<string, string[]> = {
  Controller: ['OwnershipTransferred(address indexed,address indexed)', 'Pause()', 'Unpause()', 'SetContractInfo(bytes32,address,bytes20)'],
  LivepeerToken: [
    'Transfer(address indexed,address indexed,uint256)', 'Approval(address indexed,address indexed,uint256)', 'Mint(address indexed,uint256)', 'Burn(address indexed,uint256)',
    'RoleGranted(bytes32 indexed,address indexed,address indexed)', 'RoleRevoked(bytes32 indexed,address indexed,address indexed)', 'RoleAdminChanged(bytes32 indexed,bytes32 indexed,bytes32 indexed)', 'EIP712DomainChanged()',
  ],
  BondingManager: ['SetController(address)', 'ParameterUpdate(string)', 'TranscoderSlashed(address indexed,address,uint256,uint256)', 'TransferBond(address indexed,address indexed,uint256,uint256,uint256)'],
  TicketBroker: ['SetController(address)', 'ParameterUpdate(string)', 'Withdrawal(address indexed,uint256,uint256)'],
  RoundsManager: ['SetController(address)', 'ParameterUpdate(string)', 'NewRound(uint256 indexed,bytes32)'],
  Minter: ['SetController(address)', 'ParameterUpdate(string)', 'SetCurrentRewardTokens(uint256,uint256)'],
  ServiceRegistry: ['SetController(address)', 'ParameterUpdate(string)', 'ServiceURIUpdate(address indexed,string)'],
  BondingVotes: ['SetController(address)', 'ParameterUpdate(string)', 'DelegateVotesChanged(address indexed,uint256,uint256)'],
  Treasury: [
    'CallSalt(bytes32 indexed,bytes32)', 'MinDelayChange(uint256,uint256)', 'Initialized(uint8)', 'Cancelled(bytes32 indexed)',
    'RoleGranted(bytes32 indexed,address indexed,address indexed)', 'RoleRevoked(bytes32 indexed,address indexed,address indexed)', 'RoleAdminChanged(bytes32 indexed,bytes32 indexed,bytes32 indexed)',
  ],
  LivepeerGovernor: [
    'SetController(address)', 'ParameterUpdate(string)', 'Initialized(uint8)', 'EIP712DomainChanged()', 'VotingDelaySet(uint256,uint256)', 'VotingPeriodSet(uint256,uint256)',
    'ProposalThresholdSet(uint256,uint256)', 'QuorumNumeratorUpdated(uint256,uint256)', 'TimelockChange(address,address)',
  ],
  L2LPTDataCache: ['CacheTotalSupplyFinalized(uint256)', 'OwnershipTransferred(address indexed,address indexed)', 'L1LPTDataCacheUpdate(address)', 'L2LPTGatewayUpdate(address)', 'TxToL1(address indexed,address indexed,uint256 indexed,bytes)'],
  L2Migrator: [
    'SetController(address)', 'ParameterUpdate(string)', 'L1MigratorUpdate(address)', 'ControllerContractUpdate(bytes32,address)',
    'MigrateDelegatorFinalized((address,address,uint256,uint256,uint256,address))', 'MigrateUnbondingLocksFinalized((address,address,uint256,uint256[],address))',
    'MigrateSenderFinalized((address,address,uint256,uint256))', 'DelegatorPoolImplUpdate(address)', 'DelegatorPoolCreated(address indexed,address)', 'ClaimStakeEnabled(bool)',
    'StakeClaimed(address indexed,address,uint256,uint256)', 'TxToL1(address indexed,address indexed,uint256 indexed,bytes)',
  ],
};

describe('EventDecoder: every deployed event', () => {
  for (const [contract, events] of Object.entries(deployedEvents)) {
    it(`names every event of ${contract}`, () => {
      const d = new EventDecoder(net);
      const address = net.contracts[contract as keyof typeof net.contracts].address;
      for (const signature of events) {
        const [name, params] = [signature.slice(0, signature.indexOf('(')), signature.slice(signature.indexOf('(') + 1, -1)];
        const item = parseAbiItem(`event ${name}(${params})`) as AbiEvent;
        const indexed = item.inputs.filter((i) => i.indexed);
        const plain = item.inputs.filter((i) => !i.indexed);
        const topics = [toEventSelector(item), ...indexed.map((_, k) => `0x${String(k + 1).padStart(64, '0')}` as Hex)];
        const data = encodeAbiParameters(plain, plain.map(sampleValue));
        const got = d.decode(log(address, topics, data));
        expect(got?.name, `${contract}.${signature}`).toBe(name);
      }
      expect([...d.unknown.keys()]).toEqual([]);
    });
  }
});

function sampleValue(p: AbiParameter): unknown {
  if (p.type === 'tuple') return (p as { components: readonly AbiParameter[] }).components.map(sampleValue);
  if (p.type.endsWith('[]')) return [sampleValue({ ...p, type: p.type.slice(0, -2) })];
  if (p.type === 'address') return '0x00000000000000000000000000000000000000a1';
  if (p.type === 'bool') return true;
  if (p.type === 'string') return 'x';
  if (p.type === 'bytes') return '0x01';
  if (p.type.startsWith('bytes')) return `0x${'ab'.repeat(Number(p.type.slice(5)))}`;
  return 7n;
}
