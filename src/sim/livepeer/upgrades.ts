import { type Address, type Hex, keccak256 } from 'viem';
import { compileLivepeer, type LivepeerArtifact } from './compile.js';
import { contractId, initcode, recordedAddress, type FirstVersions, type Placement } from './deploy.js';
import { compileHistoryVersion, readProtocolHistory, historyVersion, type HistoryContract } from './history.js';

/**
 * The upgrade path: the network starts on the first implementations Arbitrum One ran and switches through every
 * later one in the order mainnet did (by deploy block), each deployed in the round before it is registered.
 */

/** One switch: at the opening of scenario round `round` the Controller registers this version. */
export interface UpgradeStep {
  round: number;
  contract: HistoryContract;
  version: number;
  address: Address;
  artifact: LivepeerArtifact;
  /** The delta upgrade (the first BondingManager with the treasury cut): stake checkpoints, treasury and governor come with it. */
  delta: boolean;
}

export interface UpgradePath {
  first: FirstVersions;
  steps: UpgradeStep[];
  /** The SortedDoublyLL library every BondingManager links. */
  library: Address;
  /** What the delta upgrade deploys beside the BondingManager, from the checkout (they have not changed since). */
  deltaContracts: { BondingVotes: LivepeerArtifact; LivepeerGovernor: LivepeerArtifact; Treasury: LivepeerArtifact; ManagerProxy: LivepeerArtifact };
  deltaTargets: { BondingVotes: Address; LivepeerGovernor: Address };
  controller: Address;
}

/**
 * Rounds at which the eleven switches happen by default: the eight before the delta upgrade two rounds apart, then
 * the delta upgrade and the two BondingManagers after it with room for governance (a proposal takes 12 rounds).
 */
export const DEFAULT_UPGRADE_ROUNDS = [3, 5, 7, 9, 11, 13, 15, 17, 20, 27, 34];

/** The upgrade path of a protocol-history folder on a livepeer/protocol checkout, switching at `rounds`. */
export function upgradePath(checkout: string, historyDir: string, rounds: number[] = DEFAULT_UPGRADE_ROUNDS): UpgradePath {
  const history = readProtocolHistory(historyDir);
  const later = history.filter((v) => v.version > 1).sort((a, b) => a.deployBlock - b.deployBlock);
  if (rounds.length !== later.length) throw new Error(`the upgrade path has ${later.length} switches, ${rounds.length} rounds were given`);
  // Round 1 sets the probe accounts up; each version is deployed, and probed, in the round before its switch.
  if (rounds.some((r, i) => r < 3 || (i > 0 && r <= rounds[i - 1]! + 1))) throw new Error('upgrade rounds must start at round 3 or later and be at least two rounds apart');
  const place = (contract: HistoryContract) => {
    const v = historyVersion(history, contract, 1);
    return { address: v.address, artifact: compileHistoryVersion(historyDir, v) };
  };
  const first: FirstVersions = { BondingManager: place('BondingManagerTarget'), TicketBroker: place('TicketBrokerTarget'), RoundsManager: place('RoundsManagerTarget'), Minter: place('Minter') };
  let deltaSeen = false;
  const steps = later.map((v, i): UpgradeStep => {
    const artifact = compileHistoryVersion(historyDir, v);
    const treasuryCut = artifact.abi.some((x) => x.type === 'function' && x.name === 'treasuryRewardCutRate');
    const delta = v.contract === 'BondingManagerTarget' && treasuryCut && !deltaSeen;
    deltaSeen ||= delta;
    return { round: rounds[i]!, contract: v.contract, version: v.version, address: v.address, artifact, delta };
  });
  const art = compileLivepeer(checkout);
  return {
    first,
    steps,
    library: recordedAddress(checkout, 'SortedDoublyLL'),
    deltaContracts: { BondingVotes: art.BondingVotes, LivepeerGovernor: art.LivepeerGovernor, Treasury: art.Treasury, ManagerProxy: art.ManagerProxy },
    deltaTargets: { BondingVotes: recordedAddress(checkout, 'BondingVotesTarget'), LivepeerGovernor: recordedAddress(checkout, 'LivepeerGovernorTarget') },
    controller: recordedAddress(checkout, 'Controller'),
  };
}

/** Stand-in for the git commit a registration records: the first 20 bytes of the version's code hash. */
export const commitOf = (a: LivepeerArtifact): Hex => keccak256(a.bytecode).slice(0, 42) as Hex;

/** The Controller id a step registers its address under. */
export const registeredName = (s: UpgradeStep): string => (s.contract === 'Minter' ? 'Minter' : s.contract);

/**
 * The code a step deploys: its target (a Minter with the running one's inflation figures, as mainnet's deploy script
 * read them), and for the delta upgrade the BondingVotes and LivepeerGovernor targets and proxies and the Treasury.
 */
export function stepPlacements(path: UpgradePath, s: UpgradeStep, addresses: { BondingVotes: Address; LivepeerGovernor: Address; Treasury: Address }, minterArgs: readonly [bigint, bigint, bigint]): Placement[] {
  const c = path.controller;
  if (s.contract === 'Minter') return [{ address: s.address, initcode: initcode(s.artifact, [c, ...minterArgs]) }];
  const libraries: Record<string, Hex> = s.contract === 'BondingManagerTarget' ? { SortedDoublyLL: path.library } : {};
  const out: Placement[] = [{ address: s.address, initcode: initcode(s.artifact, [c], libraries) }];
  if (s.delta) {
    const dc = path.deltaContracts;
    for (const name of ['BondingVotes', 'LivepeerGovernor'] as const) {
      out.push({ address: path.deltaTargets[name], initcode: initcode(dc[name], [c]) });
      out.push({ address: addresses[name], initcode: initcode(dc.ManagerProxy, [c, contractId(`${name}Target`)]) });
    }
    out.push({ address: addresses.Treasury, initcode: initcode(dc.Treasury, []) });
  }
  return out;
}
