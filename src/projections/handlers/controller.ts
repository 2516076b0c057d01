import { keccak256, toBytes } from 'viem';
import type { HandlerTable } from '../state.js';

// Names the Controller registers contracts under (id = keccak256(name)).
const KNOWN_CONTRACT_NAMES = [
  'Controller', 'LivepeerToken', 'BondingManager', 'TicketBroker', 'RoundsManager', 'Minter', 'ServiceRegistry',
  'AIServiceRegistry', 'BondingVotes', 'Treasury', 'LivepeerGovernor', 'L2Migrator', 'L2LPTDataCache', 'PollCreator',
  'BondingManagerTarget', 'TicketBrokerTarget', 'RoundsManagerTarget', 'MinterTarget', 'BondingVotesTarget', 'LivepeerGovernorTarget',
];
const contractNameById = new Map(KNOWN_CONTRACT_NAMES.map((n) => [keccak256(toBytes(n)), n]));

/** Controller: contract registrations and upgrades. */
export const controllerHandlers: HandlerTable = {
  'Controller.SetContractInfo': (s, e) => {
    s.changes.contracts.push({
      block_number: e.blockNumber,
      log_index: e.logIndex,
      id: String(e.args.id),
      name: contractNameById.get(String(e.args.id) as `0x${string}`) ?? null,
      address: String(e.args.contractAddress).toLowerCase(),
      git_commit_hash: String(e.args.gitCommitHash),
    });
  },
};
