import { createConfig } from 'ponder';
import {
  bondingManagerEvents,
  bondingVotesEvents,
  controllerEvents,
  governorEvents,
  l2LptDataCacheEvents,
  livepeerTokenEvents,
  minterEvents,
  roundsManagerEvents,
  serviceRegistryEvents,
  ticketBrokerEvents,
  treasuryEvents,
} from '../../src/chain/abis.js';
import { simulatorNetwork } from '../../src/chain/networks.js';

// The baseline for bench/indexer.bench.ts: the same contracts, ABIs and chain the Atlas indexer reads,
// configured only through the environment the bench sets for the child process.
const rpc = process.env.ATLAS_PONDER_RPC_URL ?? 'http://127.0.0.1:8545';
// A fixed end block makes every log part of the historical sync, so /ready marks the point where
// all of them are in the database (Atlas backfills to the same head with zero confirmations).
const endBlock = process.env.ATLAS_PONDER_END_BLOCK ? Number(process.env.ATLAS_PONDER_END_BLOCK) : undefined;
// The sync bench replays the simulator's history on Arbitrum One's block numbers (chain 42161, from its first Livepeer block).
const startBlock = Number(process.env.ATLAS_PONDER_START_BLOCK ?? 0);
const chainId = Number(process.env.ATLAS_PONDER_CHAIN_ID ?? 31337);
const c = simulatorNetwork().contracts;
const on = (address: `0x${string}`) => ({ chain: 'sim' as const, address, startBlock, endBlock });

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: 'postgres', connectionString: process.env.DATABASE_URL }
    : { kind: 'pglite', directory: process.env.ATLAS_PONDER_PGLITE_DIR ?? '.ponder/pglite' },
  chains: {
    // maxRequestsPerSecond is deprecated and ignored in 0.16 (the client adapts its own rate), so
    // nothing is set here that could throttle the node artificially.
    sim: { id: chainId, rpc, pollingInterval: 1_000 },
  },
  contracts: {
    Controller: { abi: controllerEvents, ...on(c.Controller.address) },
    LivepeerToken: { abi: livepeerTokenEvents, ...on(c.LivepeerToken.address) },
    BondingManager: { abi: bondingManagerEvents, ...on(c.BondingManager.address) },
    TicketBroker: { abi: ticketBrokerEvents, ...on(c.TicketBroker.address) },
    RoundsManager: { abi: roundsManagerEvents, ...on(c.RoundsManager.address) },
    MinterV1: { abi: minterEvents, ...on(c.MinterV1.address) },
    Minter: { abi: minterEvents, ...on(c.Minter.address) },
    ServiceRegistry: { abi: serviceRegistryEvents, ...on(c.ServiceRegistry.address) },
    AIServiceRegistry: { abi: serviceRegistryEvents, ...on(c.AIServiceRegistry.address) },
    BondingVotes: { abi: bondingVotesEvents, ...on(c.BondingVotes.address) },
    Treasury: { abi: treasuryEvents, ...on(c.Treasury.address) },
    LivepeerGovernor: { abi: governorEvents, ...on(c.LivepeerGovernor.address) },
    L2LPTDataCache: { abi: l2LptDataCacheEvents, ...on(c.L2LPTDataCache.address) },
  },
});
