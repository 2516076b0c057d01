// Account (delegator) pages: stake, pending earnings from the stored factors, unbonding locks, history.
import { z } from 'zod';
import { route } from '../route.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { AtlasError } from '../errors.js';
import { accountSchema, addressPath, cursorParam, limitParam } from '../schemas.js';
import { accountJson } from '../json.js';
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
