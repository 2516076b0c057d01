import { encodeFunctionData, keccak256, toBytes, type Abi, type Address, type Hex } from 'viem';
import { simulatorNetwork, type ContractKey } from '../chain/networks.js';
import { compileContracts, type Artifacts, type ContractName } from './compile.js';
import type { ChainDriver } from './driver.js';
import type { SimTx } from './simRpc.js';

/** Protocol parameters of a simulated network (units as in the contracts). */
export interface ProtocolParams {
  roundLength: number; // blocks
  roundLockAmount: bigint; // parts per 1e6
  unbondingPeriod: number; // rounds
  numActiveTranscoders: number;
  inflation: bigint; // parts per 1e9 per round
  inflationChange: bigint; // parts per 1e9
  targetBondingRate: bigint; // parts per 1e9
  treasuryRewardCutRate: bigint; // parts per 1e27
  treasuryBalanceCeiling: bigint; // LPT-wei
  l1CirculatingSupply: bigint; // LPT-wei
  ticketUnlockPeriod: number; // rounds
  ticketValidityPeriod: number; // rounds
  votingDelay: number; // rounds
  votingPeriod: number; // rounds
  proposalThreshold: bigint; // LPT-wei
  quorum: bigint; // parts per 1e6
  quota: bigint; // parts per 1e6
  timelockDelay: number; // seconds
  pollPeriod: number; // blocks a legacy poll runs
}

export const SIM_OPERATOR: Address = '0x5100000000000000000000000000000000000001';

/** Which compiled contract sits at which protocol address. */
const placement: [ContractKey, ContractName][] = [
  ['Controller', 'Controller'],
  ['LivepeerToken', 'LivepeerToken'],
  ['Minter', 'Minter'],
  ['RoundsManager', 'RoundsManager'],
  ['BondingManager', 'BondingManager'],
  ['BondingVotes', 'BondingVotes'],
  ['TicketBroker', 'TicketBroker'],
  ['ServiceRegistry', 'ServiceRegistry'],
  ['AIServiceRegistry', 'ServiceRegistry'],
  ['L2LPTDataCache', 'L2LPTDataCache'],
  ['Treasury', 'Treasury'],
  ['LivepeerGovernor', 'LivepeerGovernor'],
  ['PollCreator', 'PollCreator'],
];

/** Where the protocol contracts of a simulated network are and what they answer to. */
export interface Deployment {
  addresses: Record<ContractKey, Address>;
  abis: Record<ContractKey, Abi>;
}

/** Atlas's own contracts: compiled, and where each goes (the Arbitrum One addresses). */
export function protocolLayout(): Deployment & { artifacts: Artifacts } {
  const artifacts = compileContracts();
  const net = simulatorNetwork();
  const addresses = Object.fromEntries(Object.entries(net.contracts).map(([k, v]) => [k, v.address])) as Record<ContractKey, Address>;
  const abis = {} as Record<ContractKey, Abi>;
  for (const [key, name] of placement) abis[key] = artifacts[name].abi;
  return { addresses, abis, artifacts };
}

/** Build a transaction calling `fn` on a protocol contract. */
export function callTx<T>(d: Deployment, from: Address, key: ContractKey, fn: string, args: readonly unknown[], tag: T, value?: bigint): SimTx<T> {
  const data = encodeFunctionData({ abi: d.abis[key], functionName: fn, args } as never) as Hex;
  return { from, to: d.addresses[key], data, value, tag };
}

const gitHash = (name: string): Hex => keccak256(toBytes(`atlas-sim:${name}`)).slice(0, 42) as Hex;

/**
 * Place the contracts at the real Arbitrum addresses, initialise them, register them in the
 * Controller (SetContractInfo) and hand Controller ownership to the Treasury timelock.
 */
export async function deployProtocol(driver: ChainDriver, p: ProtocolParams, timestamp: number): Promise<Deployment> {
  const d = protocolLayout();
  const rpc = driver.rpc;
  await rpc.batch(
    placement.map(([key, name]) => ({ method: 'anvil_setCode', params: [d.addresses[key], d.artifacts[name].deployedBytecode] })),
  );
  await rpc.call('anvil_setBalance', [SIM_OPERATOR, '0x33b2e3c9fd0803ce8000000']);
  const op = SIM_OPERATOR;
  const tx = (key: ContractKey, fn: string, args: readonly unknown[]) => callTx(d, op, key, fn, args, `${key}.${fn}`);
  const init: SimTx<string>[] = [
    tx('Controller', 'initialize', [op]),
    tx('LivepeerToken', 'initialize', [op]),
    tx('LivepeerToken', 'setMinter', [d.addresses.Minter, true]),
    tx('LivepeerToken', 'setMinter', [op, true]),
    tx('L2LPTDataCache', 'initialize', [op, p.l1CirculatingSupply]),
    tx('RoundsManager', 'setRoundLength', [BigInt(p.roundLength)]),
    tx('RoundsManager', 'setRoundLockAmount', [p.roundLockAmount]),
    tx('Minter', 'initialize', [p.inflation, p.inflationChange, p.targetBondingRate]),
    tx('Treasury', 'initialize', [d.addresses.LivepeerGovernor, BigInt(p.timelockDelay)]),
    tx('LivepeerGovernor', 'initialize', [BigInt(p.votingDelay), BigInt(p.votingPeriod), p.proposalThreshold, p.quorum, p.quota]),
  ];
  init.push(tx('PollCreator', 'initialize', [d.addresses.BondingManager, BigInt(p.pollPeriod)]));
  for (const [key] of placement) {
    // The PollCreator stands outside the Controller's registry.
    if (key === 'Controller' || key === 'PollCreator') continue;
    init.push(tx('Controller', 'setContractInfo', [keccak256(toBytes(key)), d.addresses[key], gitHash(key)]));
  }
  init.push(tx('TicketBroker', 'setUnlockPeriod', [BigInt(p.ticketUnlockPeriod)]));
  init.push(tx('TicketBroker', 'setTicketValidityPeriod', [BigInt(p.ticketValidityPeriod)]));
  init.push(tx('BondingManager', 'setUnbondingPeriod', [BigInt(p.unbondingPeriod)]));
  init.push(tx('BondingManager', 'setNumActiveTranscoders', [BigInt(p.numActiveTranscoders)]));
  init.push(tx('BondingManager', 'setTreasuryRewardCutRate', [p.treasuryRewardCutRate]));
  init.push(tx('BondingManager', 'setTreasuryBalanceCeiling', [p.treasuryBalanceCeiling]));
  const mined = await driver.mine(init, timestamp);
  const failed = mined.filter((m) => !m.ok);
  if (failed.length > 0) {
    throw new Error(`simulator deployment failed at ${failed.map((f) => f.tx.tag).join(', ')}: ${[...driver.revertReasons.keys()].join('; ')}`);
  }
  return d;
}

/** After genesis, protocol parameters change only through governance (the Treasury executes). */
export async function handOverToGovernance(driver: ChainDriver, d: Deployment, timestamp: number): Promise<void> {
  const mined = await driver.mine([callTx(d, SIM_OPERATOR, 'Controller', 'transferOwnership', [d.addresses.Treasury], 'handover')], timestamp);
  if (!mined[0]?.ok) throw new Error('controller ownership hand-over failed');
}
