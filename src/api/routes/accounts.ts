// Account (delegator) pages: stake, pending earnings from the stored factors, unbonding locks, history.
import { z } from 'zod';
import { decodeCursor, encodeCursor, paginate, type SortKey } from '../cursor.js';
import type { AccountData, ApiData, EventData, OrchestratorData, PoolData, ProposalData, RoundData, Snapshot, VoteData } from '../data.js';
import { route, type RouteDef } from '../route.js';
import { formatUsd, type PriceBook } from '../../prices/lookup.js';
import { cachedPriceBook, cachedPriceVersion, LATEST, usdOf } from '../../prices/usd.js';
import { orchestratorUsd, priceEvents, eventUnit, type OrchestratorUsd, type PricedEvent } from '../usd.js';
import { AtlasError } from '../errors.js';
import { eth, formatUnits, lpt, perc, ratio } from '../format.js';
import {
  accountSchema,
  addressParam,
  blockParam,
  boolParam,
  cursorParam,
  eventSchema,
  feeBucketSchema,
  intParam,
  limitParam,
  listOf,
  networkSchema,
  orchestratorDetailSchema,
  orchestratorSchema,
  orderParam,
  percentParam,
  proposalDetailSchema,
  proposalSchema,
  roundParam,
  roundSchema,
  delegatorRowSchema,
  tokenAmountParam,
} from '../schemas.js';

import { accountJson, eventJson, eventPageJson, n, networkJson, nOrNull, orchestratorJson, poolJson, proposalJson, roundJson, voteJson } from '../json.js';
import { toCsv } from '../csv.js';
import { addressPath } from '../schemas.js';
import { eventCursorKey } from '../cursor.js';

export const accountRoutes = [
  route({
    path: '/api/v1/delegators/{address}',
    tag: 'accounts',
    summary: 'Account (delegator) page',
    description:
      'Bonded stake, pending stake and fees (computed from the stored earnings-pool factors exactly as BondingManager.pendingStake/pendingFees), unbonding locks and the history of events naming the address.',
    params: addressPath,
    query: z.strictObject({
      limit: limitParam(50, 500).meta({ description: 'history page size' }),
      cursor: cursorParam.meta({ description: 'history cursor (history.page.nextCursor)' }),
    }),
    response: accountSchema,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, query, data }) => {
      const [snap, acct] = await Promise.all([data.snapshot(), data.account(params.address)]);
      if (!acct) throw new AtlasError('not_found', `no delegator with address ${params.address} (it has never bonded)`);
      const history = await data.events({ address: params.address, order: 'desc', limit: query.limit, after: eventCursorKey(query.cursor) });
      return accountJson(acct, snap.current?.round ?? 0n, history, query.limit, snap.orchestratorsByAddress.has(params.address), await cachedPriceBook(data.db));
    },
  }),];
