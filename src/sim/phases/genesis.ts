import { maxUint256 } from 'viem';
import type { Action } from '../actions.js';
import { handOverToGovernance } from '../deploy.js';
import type { SimRun } from '../run.js';
import { units } from '../rng.js';
import type { SimTx } from '../simRpc.js';

const GENESIS_ETH = '0x152d02c7e14af6800000'; // 100,000 ETH per orchestrator and gateway

/**
 * The network before the first simulated round, in the first blocks of the genesis round: the round is
 * initialized, LPT is bridged in and approved, genesis orchestrators register, delegators bond, gateways fund
 * deposits and reserves, and the Controller is handed to governance.
 */
export async function genesis(run: SimRun): Promise<void> {
  const { population, d } = run;
  const A = d.addresses;
  const everyoneEth = [...population.gateways.map((g) => g.address), ...population.orchestrators.map((o) => o.address)];
  await run.rpc.batch(everyoneEth.map((a) => ({ method: 'anvil_setBalance', params: [a, GENESIS_ETH] })));
  await run.waitForRound(run.firstRound);
  run.ctx = { round: run.firstRound, blockInRound: 0 };
  await run.mine([run.tx(population.orchestrators[0]!.address, 'RoundsManager', 'initializeRound', [], { kind: 'initializeRound' })], run.simTime);

  run.genesisOrchs = population.orchestrators.filter((o) => o.joinRound === 0).sort((a, b) => (b.selfStake > a.selfStake ? 1 : -1));
  const setup: SimTx<Action>[] = [];
  for (const o of population.orchestrators) setup.push(run.bridge(o.address, o.selfStake + units(5_000)));
  for (const dl of population.delegators) setup.push(run.bridge(dl.address, dl.initialBond + dl.liquid));
  setup.push(run.bridge(A.Treasury, population.treasuryGenesis));
  for (const o of population.orchestrators) setup.push(run.tx(o.address, 'LivepeerToken', 'approve', [A.BondingManager, maxUint256], { kind: 'setup', what: 'approve' }));
  for (const dl of population.delegators) setup.push(run.tx(dl.address, 'LivepeerToken', 'approve', [A.BondingManager, maxUint256], { kind: 'setup', what: 'approve' }));
  await run.mine(setup, (run.simTime += 30));

  const reg: SimTx<Action>[] = [];
  for (const o of run.genesisOrchs) reg.push(...run.registerOrchestrator(o));
  await run.mine(reg, (run.simTime += 30));

  const bonds: SimTx<Action>[] = [];
  for (const dl of population.delegators) {
    if (dl.initialBond === 0n) continue;
    const to = population.orchestrators[dl.favourite]!.address;
    bonds.push(run.tx(dl.address, 'BondingManager', 'bond', [dl.initialBond, to], { kind: 'bond', delegator: dl.address, to, amount: dl.initialBond }));
  }
  const gw: SimTx<Action>[] = population.gateways.map((g) =>
    run.tx(g.address, 'TicketBroker', 'fundDepositAndReserve', [g.deposit, g.reserve], { kind: 'gateway', gateway: g.address, what: 'fund' }, g.deposit + g.reserve),
  );
  const mined = await run.mine([...bonds, ...gw], (run.simTime += 30));
  // Before the delta upgrade there is no treasury to govern: the upgrade path hands over when it arrives.
  if (run.features.governance) await handOverToGovernance(run.driver, d, (run.simTime += 30));

  run.initViews();
  run.applyReceipts(mined);
}
