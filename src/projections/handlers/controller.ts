import { keccak256, toBytes } from 'viem';
import type { HandlerTable } from '../state.js';

// Names the Controller registers contracts under (id = keccak256(name)).
const KNOWN_CONTRACT_NAMES = [
  'Controller', 'LivepeerToken', 'BondingManager', 'TicketBroker', 'RoundsManager', 'Minter', 'ServiceRegistry',
  'AIServiceRegistry', 'BondingVotes', 'Treasury', 'LivepeerGovernor', 'L2Migrator', 'L2LPTDataCache', 'PollCreator',
  'BondingManagerTarget', 'TicketBrokerTarget', 'RoundsManagerTarget', 'MinterTarget', 'BondingVotesTarget', 'LivepeerGovernorTarget',
];
const contractNameById = new Map(KNOWN_CONTRACT_NAMES.map((n) => [keccak256(toBytes(n)), n]));

/** The name a Controller id (keccak256 of the name) stands for, if Atlas knows it. */
export function registrationName(id: string): string | null {
  return contractNameById.get(id.toLowerCase() as `0x${string}`) ?? null;
}

/** Controller: contract registrations and upgrades. */
export const controllerHandlers: HandlerTable = {
  'Controller.SetContractInfo': (s, e) => {
    s.changes.contracts.push({
      block_number: e.blockNumber,
      log_index: e.logIndex,
      id: String(e.args.id),
      name: registrationName(String(e.args.id)),
      address: String(e.args.contractAddress).toLowerCase(),
      git_commit_hash: String(e.args.gitCommitHash),
    });
  },
};
