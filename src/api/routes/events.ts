// Decoded protocol events, keyset-paginated.
import { z } from 'zod';
import { route } from '../route.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { AtlasError } from '../errors.js';
import { addressParam, blockParam, cursorParam, eventSchema, limitParam, listOf, orderParam, roundParam } from '../schemas.js';
import { eventPageJson } from '../json.js';
import { eventCursorKey } from '../cursor.js';

export const eventRoutes = [
  route({
    path: '/api/v1/events',
    tag: 'events',
    summary: 'Protocol events',
    description: 'Decoded chain events, newest first by default, keyset-paginated by (block, log index).',
    query: z.strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]{0,63}(,[A-Za-z][A-Za-z0-9]{0,63}){0,19}$/, { error: 'must be one event name or up to 20 comma-separated names, e.g. Reward,Bond' })
        .optional()
        .meta({ description: 'event name(s), comma-separated' }),
      address: addressParam.optional().meta({ description: 'only events naming this address' }),
      contract: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be a contract name such as BondingManager' }).optional(),
      fromRound: roundParam('first round (inclusive)'),
      toRound: roundParam('last round (inclusive)'),
      fromBlock: blockParam('first block (inclusive)'),
      toBlock: blockParam('last block (inclusive)'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 1000),
      cursor: cursorParam,
    }),
    response: listOf(eventSchema, 'EventList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      if (query.fromRound !== undefined && query.toRound !== undefined && query.fromRound > query.toRound) throw new AtlasError('bad_request', 'query parameter "fromRound" must not be after "toRound"');
      if (query.fromBlock !== undefined && query.toBlock !== undefined && query.fromBlock > query.toBlock) throw new AtlasError('bad_request', 'query parameter "fromBlock" must not be after "toBlock"');
      const r = await data.events({
        names: query.name?.split(','),
        address: query.address,
        contract: query.contract,
        fromRound: query.fromRound === undefined ? undefined : BigInt(query.fromRound),
        toRound: query.toRound === undefined ? undefined : BigInt(query.toRound),
        fromBlock: query.fromBlock === undefined ? undefined : BigInt(query.fromBlock),
        toBlock: query.toBlock === undefined ? undefined : BigInt(query.toBlock),
        order: query.order,
        limit: query.limit,
        after: eventCursorKey(query.cursor),
      });
      return eventPageJson(await cachedPriceBook(data.db), r, query.limit);
    },
  }),];
