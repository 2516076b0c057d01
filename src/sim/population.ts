import { getAddress, keccak256, toBytes, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { Rng, units } from './rng.js';
import type { Scenario } from './scenario.js';

export interface OrchestratorAgent {
  address: Address; // the address of privateKey
  privateKey: Hex; // signs the orchestrator's capability adverts (anvil impersonates it for transactions)
  selfStake: bigint; // LPT-wei bonded at genesis
  weight: number; // attractiveness for delegators and gateways
  rewardCut: bigint; // parts per 1e6
  feeShare: bigint; // parts per 1e6
  rewardProbability: number; // chance of calling reward in a round
  serviceUri: string;
  aiServiceUri: string | null;
  capabilities: number[]; // go-livepeer capability ids served
  joinRound: number; // 0 = genesis; later = registers mid-run
}

export interface DelegatorAgent {
  address: Address;
  initialBond: bigint; // LPT-wei (0 = starts unbonded and joins later)
  liquid: bigint; // extra LPT-wei held for later bonds
  favourite: number; // index of the orchestrator first delegated to
}

export interface GatewayAgent {
  address: Address; // the address of privateKey
  privateKey: Hex; // signs the gateway's telemetry batches (anvil impersonates it for transactions)
  deposit: bigint; // wei funded at genesis
  reserve: bigint; // wei
  weight: number; // share of demand
  capabilities: number[]; // capability ids it buys
  underfunded: boolean; // lets its deposit run dry so reserve claims happen
}

export interface Population {
  orchestrators: OrchestratorAgent[];
  delegators: DelegatorAgent[];
  gateways: GatewayAgent[];
  treasuryGenesis: bigint;
  l1CirculatingSupply: bigint;
  grantRecipients: Address[];
}

export const deriveAddress = (seed: string | number, role: string, i: number): Address =>
  getAddress(`0x${keccak256(toBytes(`atlas-sim/${seed}/${role}/${i}`)).slice(-40)}`);

/** Private key of simulated gateway i, deterministic in the seed (a keccak256 output is a valid key but with negligible odds). */
export const gatewayPrivateKey = (seed: string | number, i: number): Hex => keccak256(toBytes(`atlas-sim/${seed}/gateway-key/${i}`));

/** Private key of simulated orchestrator i, deterministic in the seed. */
export const orchestratorPrivateKey = (seed: string | number, i: number): Hex => keccak256(toBytes(`atlas-sim/${seed}/orchestrator-key/${i}`));

const TRANSCODING = [0, 1, 2, 7, 8, 9, 15, 16, 26];
const AI = [27, 28, 29, 30, 31, 32, 33, 34, 35, 36];
const REGIONS = ['fra', 'lax', 'mdw', 'nyc', 'sin', 'sea', 'lon', 'sao'];

// Targets from the network's figures (late 2025): ~26.8M LPT bonded of ~51.4M supply.
const TARGET_BONDED = units(28_600_000);
const TARGET_SUPPLY = units(51_400_000);

/** Draw the agents of a scenario; deterministic in the seed. */
export function makePopulation(s: Scenario): Population {
  const rng = new Rng(`${s.seed}/population`);
  const orchestrators: OrchestratorAgent[] = [];
  const lateJoiners = Math.max(1, Math.floor(s.orchestrators * 0.05));
  for (let i = 0; i < s.orchestrators; i++) {
    const weight = 1 / Math.pow(i + 1, 0.85) * rng.lognormal(1, 0.25);
    const cutPick = rng.weighted([14, 10, 16, 14, 12, 10, 5, 4]);
    const sharePick = rng.weighted([4, 6, 14, 10, 18, 16, 18, 14]);
    const habit = rng.weighted([60, 25, 10, 5]);
    const ai = rng.chance(0.45);
    const caps = ai ? [...TRANSCODING.slice(0, 4), ...AI.filter(() => rng.chance(0.5))] : TRANSCODING.filter(() => rng.chance(0.8));
    const privateKey = orchestratorPrivateKey(s.seed, i);
    const address = privateKeyToAddress(privateKey);
    // Drawn for a delegated reward caller once (the deployed BondingManager has none): still drawn, so that a seed
    // keeps the network it gave.
    rng.chance(0.1);
    orchestrators.push({
      address,
      privateKey,
      selfStake: 0n,
      weight,
      rewardCut: BigInt([0, 50_000, 100_000, 150_000, 200_000, 250_000, 500_000, 1_000_000][cutPick]!),
      feeShare: BigInt([0, 250_000, 500_000, 600_000, 750_000, 800_000, 900_000, 1_000_000][sharePick]!),
      rewardProbability: [0.995, 0.93, 0.7, 0.25][habit]!,
      serviceUri: `https://${rng.pick(REGIONS)}-${i}.orch.atlas-sim.net:8935`,
      aiServiceUri: ai ? `https://ai-${i}.orch.atlas-sim.net:8936` : null,
      capabilities: caps.length > 0 ? caps : [0],
      joinRound: i >= s.orchestrators - lateJoiners ? rng.int(2, Math.max(2, s.rounds)) : 0,
    });
  }

  const delegators: DelegatorAgent[] = [];
  const weights = orchestrators.map((o) => (o.joinRound === 0 ? o.weight : 0));
  const raw: number[] = [];
  for (let i = 0; i < s.delegators; i++) raw.push(rng.lognormal(1, 2.0));
  const rawTotal = raw.reduce((a, b) => a + b, 0) || 1;
  // Orchestrators self-bond ~12% of the bonded total, delegators the rest.
  const delegatedTarget = s.delegators > 0 ? (TARGET_BONDED * 88n) / 100n : 0n;
  for (let i = 0; i < s.delegators; i++) {
    const share = raw[i]! / rawTotal;
    const amount = (delegatedTarget * BigInt(Math.floor(share * 1e12))) / 1_000_000_000_000n;
    const startsUnbonded = rng.chance(0.08);
    delegators.push({
      address: deriveAddress(s.seed, 'delegator', i),
      initialBond: startsUnbonded ? 0n : amount + units(1),
      liquid: amount / 4n + units(rng.int(10, 500)) + (startsUnbonded ? amount : 0n),
      favourite: rng.weighted(weights),
    });
  }

  const selfTotal = s.delegators > 0 ? TARGET_BONDED - delegatedTarget : TARGET_BONDED;
  const wTotal = orchestrators.reduce((a, o) => a + o.weight, 0);
  for (const o of orchestrators) {
    const share = (o.weight / wTotal) * rng.lognormal(1, 0.4);
    o.selfStake = (selfTotal * BigInt(Math.max(1, Math.floor(share * 1e9)))) / 1_000_000_000n + units(rng.int(200, 2000));
  }

  const gateways: GatewayAgent[] = [];
  for (let i = 0; i < s.gateways; i++) {
    const ai = i % 3 !== 0;
    const privateKey = gatewayPrivateKey(s.seed, i);
    const underfunded = i === s.gateways - 1 && s.gateways > 2;
    const deposit = units(rng.int(5, 40));
    gateways.push({
      address: privateKeyToAddress(privateKey),
      privateKey,
      // The underfunded gateway's deposit lasts a few tickets; then its tickets draw on its reserve.
      deposit: underfunded ? units(0.03) : deposit,
      reserve: units(rng.int(1, 8)),
      weight: rng.lognormal(1, 0.8),
      capabilities: ai ? AI.filter(() => rng.chance(0.6)).concat([33]) : [0, 1, 2, 8],
      underfunded,
    });
  }

  const bondedPlanned =
    orchestrators.reduce((a, o) => a + o.selfStake, 0n) +
    delegators.reduce((a, d) => a + d.initialBond + d.liquid, 0n);
  const treasuryGenesis = units(734_000);
  const l2Minted = bondedPlanned + treasuryGenesis;
  const l1CirculatingSupply = TARGET_SUPPLY > l2Minted ? TARGET_SUPPLY - l2Minted : units(1_000_000);
  const grantRecipients = [0, 1, 2, 3].map((i) => deriveAddress(s.seed, 'spe', i));
  return { orchestrators, delegators, gateways, treasuryGenesis, l1CirculatingSupply, grantRecipients };
}
