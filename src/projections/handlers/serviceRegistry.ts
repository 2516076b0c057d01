import type { EventHandler, HandlerTable } from '../state.js';

const serviceUri: EventHandler = (s, e, { block }) => {
  const o = s.orchestrator(e.args.addr as string, block);
  if (e.contract === 'ServiceRegistry') o.service_uri = String(e.args.serviceURI);
  else o.ai_service_uri = String(e.args.serviceURI);
};

/** Service registries: the transcoding and the AI service URI an orchestrator advertises. */
export const serviceRegistryHandlers: HandlerTable = {
  'ServiceRegistry.ServiceURIUpdate': serviceUri,
  'AIServiceRegistry.ServiceURIUpdate': serviceUri,
};
