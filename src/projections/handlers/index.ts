import type { HandlerTable } from '../state.js';
import { bondingVotesHandlers } from './bondingVotes.js';
import { controllerHandlers } from './controller.js';
import { l2LptDataCacheHandlers } from './l2LptDataCache.js';
import { livepeerGovernorHandlers } from './livepeerGovernor.js';
import { livepeerTokenHandlers } from './livepeerToken.js';
import { recordParameter } from './parameters.js';
import { pollHandlers } from './polls.js';
import { serviceRegistryHandlers } from './serviceRegistry.js';
import { ticketBrokerHandlers } from './ticketBroker.js';
import { treasuryHandlers } from './treasury.js';

/**
 * One handler per contract event, by `Contract.Event`, for every contract but the BondingManager (whose events are
 * replayed as operations through the protocol mirror) and RoundsManager.NewRound (which opens a round). An event
 * without a handler is recorded in chain_event only.
 */
export const eventHandlers: HandlerTable = {
  ...livepeerTokenHandlers,
  ...pollHandlers,
  ...l2LptDataCacheHandlers,
  ...ticketBrokerHandlers,
  ...serviceRegistryHandlers,
  ...controllerHandlers,
  ...bondingVotesHandlers,
  ...livepeerGovernorHandlers,
  ...treasuryHandlers,
  'Minter.ParameterUpdate': recordParameter,
  'RoundsManager.ParameterUpdate': recordParameter,
};
