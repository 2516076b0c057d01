import { MULTICALL3_ADDRESS } from '../chain/multicall.js';
import { compileSolidityDir } from './compileDir.js';
import type { SimRpc } from './simRpc.js';

/**
 * Places the simulator's own aggregator (src/sim/contracts/multicall) at Multicall3's address, so state checks read
 * the simulated chain as they read Arbitrum One. Code only: no transaction, no block.
 */
export async function placeMulticall(rpc: SimRpc): Promise<void> {
  const art = compileSolidityDir('multicall', ['Aggregate'] as const);
  await rpc.call('anvil_setCode', [MULTICALL3_ADDRESS, art.Aggregate.deployedBytecode]);
}
