import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeDeployData, getAddress, keccak256, toBytes, type Abi, type Address, type Hex } from 'viem';
import { arbitrumOne, type ContractKey } from '../../chain/networks.js';
import { compileContracts } from '../compile.js';
import { callTx, SIM_OPERATOR, type Deployment, type ProtocolParams } from '../deploy.js';
import type { ChainDriver } from '../driver.js';
import type { SimTx } from '../simRpc.js';
import { compileLivepeer, linkBytecode, LivepeerCheckoutError, type LivepeerArtifact, type LivepeerArtifacts, type LivepeerContractName } from './compile.js';

/** PollCreator.POLL_PERIOD of the deployed contract: ten rounds of 5760 blocks. */
export const LIVEPEER_POLL_PERIOD = 10 * 5760;

/** What the deployed contracts fix that the simulator's own make a parameter: the simulation must use these. */
export const livepeerFixedParams: Partial<ProtocolParams> = { pollPeriod: LIVEPEER_POLL_PERIOD };

/** The governor as the Arbitrum One deployment configures it (livepeer/protocol deploy/migrations.config.ts). */
export const livepeerGovernorParams: Partial<ProtocolParams> = { votingDelay: 1, votingPeriod: 10, proposalThreshold: 100n * 10n ** 18n, quorum: 333_300n, quota: 500_000n };

export const MINTER_ROLE = keccak256(toBytes('MINTER_ROLE'));
const PROPOSER_ROLE = keccak256(toBytes('PROPOSER_ROLE'));
const CANCELLER_ROLE = keccak256(toBytes('CANCELLER_ROLE'));
const EXECUTOR_ROLE = keccak256(toBytes('EXECUTOR_ROLE'));
const TIMELOCK_ADMIN_ROLE = keccak256(toBytes('TIMELOCK_ADMIN_ROLE'));
export const contractId = (name: string): Hex => keccak256(toBytes(name));

// Behind each proxy (ManagerProxy at the proxy address, the implementation at its target address).
const PROXIED = ['TicketBroker', 'BondingManager', 'BondingVotes', 'RoundsManager', 'ServiceRegistry', 'LivepeerGovernor'] as const;
type Proxied = (typeof PROXIED)[number];
/** What the delta upgrade brought (with the Treasury): stake checkpoints and the governor. */
const DELTA = ['BondingVotes', 'LivepeerGovernor'] as const;

/** An implementation of the protocol history and the address it was deployed at. */
export interface PlacedVersion {
  address: Address;
  artifact: LivepeerArtifact;
}

/** The implementations of the first Arbitrum One deployment, which an upgrade path starts from. */
export type FirstVersions = Record<'BondingManager' | 'TicketBroker' | 'RoundsManager' | 'Minter', PlacedVersion>;

/** Creation code with its libraries linked and its constructor arguments. */
export function initcode(a: LivepeerArtifact, args: readonly unknown[], libraries: Record<string, Hex> = {}): Hex {
  return encodeDeployData({ abi: a.abi, bytecode: linkBytecode(a, libraries), args } as never);
}

/** The treasury, its governor and the stake checkpoints (the delta upgrade): registered, initialised, the cut set. */
export function deltaSetup(d: Deployment, from: Address, p: ProtocolParams, commit: Hex, targets: Record<'BondingVotes' | 'LivepeerGovernor', Address>): SimTx<string>[] {
  const tx = (key: ContractKey, fn: string, args: readonly unknown[]) => callTx(d, from, key, fn, args, `${key}.${fn}`);
  const register = (name: string, at: Address) => tx('Controller', 'setContractInfo', [contractId(name), at, commit]);
  return [
    register('BondingVotesTarget', targets.BondingVotes),
    register('BondingVotes', d.addresses.BondingVotes),
    register('LivepeerGovernorTarget', targets.LivepeerGovernor),
    register('LivepeerGovernor', d.addresses.LivepeerGovernor),
    register('Treasury', d.addresses.Treasury),
    tx('BondingManager', 'setTreasuryRewardCutRate', [p.treasuryRewardCutRate]),
    tx('BondingManager', 'setTreasuryBalanceCeiling', [p.treasuryBalanceCeiling]),
    tx('Treasury', 'initialize', [BigInt(p.timelockDelay), [], [], from]),
    tx('LivepeerGovernor', 'initialize', [BigInt(p.votingDelay), BigInt(p.votingPeriod), p.proposalThreshold, p.quorum, p.quota]),
    ...[PROPOSER_ROLE, CANCELLER_ROLE, EXECUTOR_ROLE].map((role) => tx('Treasury', 'grantRole', [role, d.addresses.LivepeerGovernor])),
    tx('Treasury', 'renounceRole', [TIMELOCK_ADMIN_ROLE, from]),
  ];
}

/** Addresses of the Arbitrum One deployment as recorded in the checkout (`deployments-arbitrumMainnet/<name>.json`). */
export function recordedAddress(checkout: string, name: string): Address {
  const file = path.join(checkout, 'deployments-arbitrumMainnet', `${name}.json`);
  if (!existsSync(file)) throw new LivepeerCheckoutError(`${file} is missing: is it a livepeer/protocol checkout?`);
  return getAddress((JSON.parse(readFileSync(file, 'utf8')) as { address: string }).address);
}

export interface Placement {
  address: Address;
  initcode: Hex;
}

/**
 * Runs each constructor at its contract's real address: the creation code is placed there and called (so the
 * constructor writes that address's storage and emits its events there, with address(this) right for immutables
 * and the domain separator), and the code it returns becomes the address's code.
 */
async function construct(driver: ChainDriver, placements: Placement[], timestamp: number): Promise<void> {
  const { txs, finish } = await prepareConstruction(driver, placements);
  const mined = await driver.mine(txs, timestamp);
  const failed = mined.filter((m) => !m.ok);
  if (failed.length > 0) throw new Error(`constructor failed at ${failed.map((f) => f.tx.tag).join(', ')}`);
  await finish();
}

/**
 * The two halves of `construct` for a run that mines the constructors among its own transactions: the creation
 * code placed now with the calls that run it, and `finish` to call once they are mined (nothing may call the
 * addresses in between).
 */
export async function prepareConstruction(driver: ChainDriver, placements: Placement[]): Promise<{ txs: SimTx<Address>[]; finish: () => Promise<void> }> {
  const rpc = driver.rpc;
  await rpc.batch(placements.map((p) => ({ method: 'anvil_setCode', params: [p.address, p.initcode] })));
  const runtimes = await rpc.batch<Hex>(placements.map((p) => ({ method: 'eth_call', params: [{ from: SIM_OPERATOR, to: p.address, data: '0x' }, 'latest'] })));
  return {
    txs: placements.map((p) => ({ from: SIM_OPERATOR, to: p.address, data: '0x' as Hex, tag: p.address })),
    finish: async () => {
      await rpc.batch(placements.map((p, i) => ({ method: 'anvil_setCode', params: [p.address, runtimes[i]] })));
    },
  };
}

/**
 * Deploys the protocol contracts of a livepeer/protocol checkout at their Arbitrum One addresses, as its deploy
 * scripts do for arbitrumMainnet: the Controller, the Minter, the L2 token, each Manager behind a ManagerProxy
 * (target registered as `<Name>Target`), the TicketBroker also as JobsManager, the Treasury timelock and the
 * LivepeerGovernor, the parameters, the timelock's roles, the Minter's minting role, and unpause. The L1 supply
 * cache of the Arbitrum bridge is not part of the checkout: Atlas's own stands in at its address. The simulation's
 * operator deploys, and keeps the token's minting role as the L2 gateway of the bridge does.
 */
export async function deployLivepeer(driver: ChainDriver, p: ProtocolParams, timestamp: number, checkout: string, first?: FirstVersions): Promise<Deployment> {
  const art: LivepeerArtifacts = compileLivepeer(checkout);
  // The first Arbitrum One deployment had no stake checkpoints, treasury or governor (the delta upgrade brought them).
  const proxied = first ? PROXIED.filter((n) => !DELTA.includes(n as (typeof DELTA)[number])) : PROXIED;
  const own = compileContracts();
  const net = arbitrumOne.contracts;
  const controller = recordedAddress(checkout, 'Controller');
  const library = recordedAddress(checkout, 'SortedDoublyLL');
  const proxyOf = Object.fromEntries(PROXIED.map((n) => [n, recordedAddress(checkout, n)])) as Record<Proxied, Address>;
  const targetOf = Object.fromEntries(PROXIED.map((n) => [n, recordedAddress(checkout, `${n}Target`)])) as Record<Proxied, Address>;
  if (first) for (const n of ['BondingManager', 'TicketBroker', 'RoundsManager'] as const) targetOf[n] = first[n].address;
  const addresses = {
    Controller: controller,
    LivepeerToken: getAddress(net.LivepeerToken.address),
    // The Minter running now: the first one until the upgrade path switches (deployment.addresses follows it).
    Minter: first ? first.Minter.address : recordedAddress(checkout, 'Minter'),
    Treasury: recordedAddress(checkout, 'Treasury'),
    PollCreator: recordedAddress(checkout, 'PollCreator'),
    AIServiceRegistry: getAddress(net.AIServiceRegistry.address),
    L2LPTDataCache: getAddress(net.L2LPTDataCache.address),
    MinterV1: getAddress(net.MinterV1.address),
    L2Migrator: getAddress(net.L2Migrator.address),
    // The LPT bridge's L2 gateway is the simulated market's (sim/uniswap.ts), not the protocol's.
    L2LPTGateway: getAddress(net.L2LPTGateway.address),
    ...proxyOf,
  } satisfies Record<ContractKey, Address>;

  const deployData = (name: LivepeerContractName, args: readonly unknown[] = [], libraries: Record<string, Hex> = {}): Hex => initcode(art[name], args, libraries);
  const minterArgs = [controller, p.inflation, p.inflationChange, p.targetBondingRate] as const;
  const placements: Placement[] = [
    { address: controller, initcode: deployData('Controller') },
    { address: addresses.Minter, initcode: first ? initcode(first.Minter.artifact, minterArgs) : deployData('Minter', minterArgs) },
    { address: addresses.LivepeerToken, initcode: deployData('LivepeerToken') },
    { address: library, initcode: deployData('SortedDoublyLL') },
    { address: addresses.PollCreator, initcode: deployData('PollCreator', [proxyOf.BondingManager]) },
    { address: addresses.AIServiceRegistry, initcode: deployData('ServiceRegistry', [controller]) },
  ];
  if (!first) placements.push({ address: addresses.Treasury, initcode: deployData('Treasury') });
  for (const name of proxied) {
    const libraries: Record<string, Hex> = name === 'BondingManager' ? { SortedDoublyLL: library } : {};
    const firstVersion = first && (name === 'BondingManager' || name === 'TicketBroker' || name === 'RoundsManager') ? first[name].artifact : null;
    placements.push({ address: targetOf[name], initcode: firstVersion ? initcode(firstVersion, [controller], libraries) : deployData(name, [controller], libraries) });
    placements.push({ address: proxyOf[name], initcode: deployData('ManagerProxy', [controller, contractId(`${name}Target`)]) });
  }
  await construct(driver, placements, timestamp);
  await driver.rpc.call('anvil_setCode', [addresses.L2LPTDataCache, own.L2LPTDataCache.deployedBytecode]);

  const abis = {
    Controller: art.Controller.abi,
    LivepeerToken: art.LivepeerToken.abi,
    Minter: art.Minter.abi,
    Treasury: art.Treasury.abi,
    PollCreator: art.PollCreator.abi,
    AIServiceRegistry: art.ServiceRegistry.abi,
    L2LPTDataCache: own.L2LPTDataCache.abi,
    MinterV1: art.Minter.abi,
    L2Migrator: [] as Abi,
    L2LPTGateway: [] as Abi,
    ...(Object.fromEntries(PROXIED.map((n) => [n, art[n].abi])) as Record<Proxied, Abi>),
  } satisfies Record<ContractKey, Abi>;
  const d: Deployment = { addresses, abis };

  const op = SIM_OPERATOR;
  const tx = (key: ContractKey, fn: string, args: readonly unknown[]) => callTx(d, op, key, fn, args, `${key}.${fn}`);
  // A stand-in for the git commit the deploy scripts record: the first 20 bytes of the BondingManager's code hash.
  const commit = keccak256(art.BondingManager.bytecode).slice(0, 42) as Hex;
  const register = (name: string, at: Address) => tx('Controller', 'setContractInfo', [contractId(name), at, commit]);
  const setup: SimTx<string>[] = [
    register('Minter', addresses.Minter),
    register('LivepeerToken', addresses.LivepeerToken),
    ...proxied.flatMap((n) => [register(`${n}Target`, targetOf[n]), register(n, proxyOf[n])]),
    // The Minter only knows the JobsManager id as the contract that may deposit and withdraw ETH.
    register('JobsManager', proxyOf.TicketBroker),
    register('L2LPTDataCache', addresses.L2LPTDataCache),
    register('AIServiceRegistry', addresses.AIServiceRegistry),
    tx('L2LPTDataCache', 'initialize', [op, p.l1CirculatingSupply]),
    tx('BondingManager', 'setUnbondingPeriod', [BigInt(p.unbondingPeriod)]),
    tx('BondingManager', 'setNumActiveTranscoders', [BigInt(p.numActiveTranscoders)]),
    tx('RoundsManager', 'setRoundLength', [BigInt(p.roundLength)]),
    tx('RoundsManager', 'setRoundLockAmount', [p.roundLockAmount]),
    tx('TicketBroker', 'setUnlockPeriod', [BigInt(p.ticketUnlockPeriod)]),
    tx('TicketBroker', 'setTicketValidityPeriod', [BigInt(p.ticketValidityPeriod)]),
    ...(first ? [] : deltaSetup(d, op, p, commit, targetOf)),
    tx('LivepeerToken', 'grantRole', [MINTER_ROLE, addresses.Minter]),
    tx('LivepeerToken', 'grantRole', [MINTER_ROLE, op]),
    tx('Controller', 'unpause', []),
  ];
  const mined = await driver.mine(setup, timestamp + 1);
  const failed = mined.filter((m) => !m.ok);
  if (failed.length > 0) throw new Error(`livepeer/protocol deployment failed at ${failed.map((f) => f.tx.tag).join(', ')}: ${[...driver.revertReasons.keys()].join('; ')}`);
  return d;
}
