// Self-identified labels: EIP-712 statements signed by the account they name.
import { z } from 'zod';
import { LABEL_MAX_BODY_BYTES, LABEL_ROLES, LABEL_TYPES, labelChainId, labelHistory, labelStatementSchema, labelsFor, listLabels, submitLabel } from '../../../registry/labels.js';
import { atlasDomain } from '../../../chain/typedData.js';
import { route } from '../../route.js';
import { addressParam, limitParam } from '../../schemas.js';

import { int, labelJson, labelSchema } from './common.js';

export const labelRoutes = [
  route({
    path: '/api/v1/labels/eip712',
    tag: 'labels',
    summary: 'What to sign for a self-identification or a revocation',
    description: 'The EIP-712 domain and types; sign SelfIdentification(account, name, url, role, issuedAt) or LabelRevocation(account, issuedAt) with the account\'s key and POST it to /api/v1/labels.',
    response: z.object({ domain: z.object({ name: z.string(), version: z.string(), chainId: int }), types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))), roles: z.array(z.string()), maxBodyBytes: int }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ data }) => {
      const d = atlasDomain(await labelChainId(data.db));
      return { domain: { name: String(d.name), version: String(d.version), chainId: Number(d.chainId) }, types: LABEL_TYPES as unknown as Record<string, { name: string; type: string }[]>, roles: [...LABEL_ROLES], maxBodyBytes: LABEL_MAX_BODY_BYTES };
    },
  }),
  route({
    path: '/api/v1/labels',
    tag: 'labels',
    summary: 'Look up self-identified labels',
    description:
      'With `addresses`, the labels in force for those addresses (the dashboard\'s lookup); otherwise every label, newest first. Each label says whether its role is verified ' +
      '(backed by the indexed chain: a transcoder record, a bond, a TicketBroker deposit, LPT paid out of the Treasury; or by the operator\'s configuration). ' +
      'Under an authority role (foundation, spe, exchange) only verified holders are listed.',
    query: z.strictObject({
      addresses: z
        .string()
        .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40}){0,199}$/, { error: 'must be up to 200 comma-separated 0x addresses' })
        .transform((s) => s.toLowerCase().split(','))
        .optional(),
      role: z.enum(LABEL_ROLES, { error: `must be one of ${LABEL_ROLES.join(', ')}` }).optional(),
      limit: limitParam(100, 1000),
    }),
    response: z.object({ data: z.array(labelSchema) }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ query, data, options }) => {
      if (query.addresses) return { data: [...(await labelsFor(data.db, query.addresses, options.labelAuthorities)).values()].filter((l) => !query.role || l.role === query.role) };
      return { data: await listLabels(data.db, { role: query.role, limit: query.limit, authorities: options.labelAuthorities }) };
    },
  }),
  route({
    path: '/api/v1/labels',
    method: 'post',
    tag: 'labels',
    summary: 'Post a signed self-identification or revocation',
    description:
      'Body: {kind: "identify", account, name (≤64), url (http(s), ≤200 or empty), role, issuedAt (unix s), signature} or {kind: "revoke", account, issuedAt, signature}. The signature must be the account\'s (EIP-712, see /api/v1/labels/eip712); issuedAt must be later than the stored statement\'s (409 otherwise: replay) and at most 10 minutes ahead; bodies over 2 KiB are refused (413). A role the chain or the configuration does not back is stored as the signer\'s claim and shown with verified: false.',
    body: labelStatementSchema,
    maxBodyBytes: LABEL_MAX_BODY_BYTES,
    response: z.object({ label: labelSchema.nullable(), revoked: z.boolean() }),
    errors: [401, 409, 413, 415],
    maxAge: 0,
    handler: async ({ body, data, options }) => {
      const s = labelStatementSchema.parse(body);
      const label = await submitLabel(data.db, s, { chainId: await labelChainId(data.db), now: Math.floor(Date.now() / 1000), authorities: options.labelAuthorities });
      return { label, revoked: s.kind === 'revoke' };
    },
  }),
  route({
    path: '/api/v1/labels/{address}',
    tag: 'labels',
    summary: 'The label of one address with every signed statement it posted',
    params: z.strictObject({ address: addressParam }),
    response: z.object({
      label: labelSchema.nullable(),
      statements: z.array(z.object({ kind: z.string(), name: z.string().nullable(), url: z.string().nullable(), role: z.string().nullable(), issuedAt: int, signature: z.string(), chainId: int })),
    }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ params, data, options }) => ({ label: labelJson((await labelsFor(data.db, [params.address], options.labelAuthorities)).get(params.address)), statements: await labelHistory(data.db, params.address) }),
  }),
];
