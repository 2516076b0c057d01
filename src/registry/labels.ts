// Self-identified address labels: the owner of an address signs an EIP-712 statement (name, URL, role) and Atlas
// stores it with its signature; a newer signed statement replaces or revokes it, an equal or older one is a replay.
// A signature proves who speaks, not what they are: every role is shown as verified only when the indexed chain or
// the operator's configuration backs it, and roles that claim an authority are listed only when verified.
import { sql, type Kysely } from 'kysely';
import type { Address, Hex } from 'viem';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { verifyStatement } from '../chain/typedData.js';
import { AtlasError } from '../base/errors.js';
import { indexedChainId } from '../read/network.js';

/** Roles an address may claim. */
export const LABEL_ROLES = ['orchestrator', 'delegator', 'delegate', 'gateway', 'spe', 'foundation', 'exchange', 'other'] as const;
export type LabelRole = (typeof LABEL_ROLES)[number];

/** Roles that claim an authority no key can give itself: listed under their role only when verified. */
export const AUTHORITY_ROLES: ReadonlySet<LabelRole> = new Set<LabelRole>(['foundation', 'spe', 'exchange']);

/** What backs a role: the indexed chain, or the operator's configuration (ATLAS_LABEL_AUTHORITIES). */
export type RoleSource = 'chain' | 'configuration';

/** Role holders the operator vouches for: address (lower-case) → roles. */
export type LabelAuthorities = ReadonlyMap<string, ReadonlySet<LabelRole>>;

const NO_AUTHORITIES: LabelAuthorities = new Map();

/** Parses `role:0xaddress` pairs (comma or whitespace separated) into LabelAuthorities; throws naming a bad entry. */
export function parseLabelAuthorities(text: string | undefined): Map<string, Set<LabelRole>> {
  const out = new Map<string, Set<LabelRole>>();
  for (const item of (text ?? '').split(/[\s,]+/)) {
    if (item === '') continue;
    const m = /^([a-z]+):(0x[0-9a-fA-F]{40})$/.exec(item);
    if (!m || !(LABEL_ROLES as readonly string[]).includes(m[1]!)) throw new Error(`"${item}" is not role:0xaddress with a role of ${LABEL_ROLES.join(', ')}`);
    const a = m[2]!.toLowerCase();
    out.set(a, (out.get(a) ?? new Set()).add(m[1] as LabelRole));
  }
  return out;
}

/** EIP-712 types of the two statements (domain: atlasDomain(chainId)). */
export const LABEL_TYPES = {
  SelfIdentification: [
    { name: 'account', type: 'address' },
    { name: 'name', type: 'string' },
    { name: 'url', type: 'string' },
    { name: 'role', type: 'string' },
    { name: 'issuedAt', type: 'uint64' },
  ],
  LabelRevocation: [
    { name: 'account', type: 'address' },
    { name: 'issuedAt', type: 'uint64' },
  ],
} as const;

/** Largest accepted request body for a statement, bytes. */
export const LABEL_MAX_BODY_BYTES = 2048;
/** How far in the future issuedAt may be (clock skew), seconds. */
export const LABEL_MAX_SKEW_S = 600;

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'must be a 0x-prefixed 20-byte hex address' })
  .transform((s) => s.toLowerCase());
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, { error: 'must be a 65-byte signature as 0x-prefixed hex (132 characters)' });
const issuedAt = z.number({ error: 'must be a unix time in seconds' }).int({ error: 'must be a whole number of seconds' }).min(1, { error: 'must be a unix time in seconds' }).max(2 ** 40, { error: 'must be a unix time in seconds' });

/** A signed statement as posted. */
export const labelStatementSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('identify'),
    account: address,
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(64, { error: 'must be at most 64 characters' }).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: 'must not contain control characters' }),
    url: z.string().max(200, { error: 'must be at most 200 characters' }).refine((s) => s === '' || /^https?:\/\/[^\s]+$/.test(s), { error: 'must be empty or an http(s) URL' }),
    role: z.enum(LABEL_ROLES, { error: `must be one of ${LABEL_ROLES.join(', ')}` }),
    issuedAt,
    signature,
  }),
  z.strictObject({ kind: z.literal('revoke'), account: address, issuedAt, signature }),
], { error: 'kind must be "identify" or "revoke"' });
export type LabelStatement = z.output<typeof labelStatementSchema>;

/** A label in force. */
export interface AddressLabel {
  address: string;
  name: string;
  url: string | null;
  role: LabelRole;
  issuedAt: number;
  signature: string;
  /** Whether the chain or the configuration backs the role; an unverified role is the signer's own claim. */
  verified: boolean;
  roleSource: RoleSource | null;
}

export type LabelRejection = 'bad_signature' | 'replay' | 'future';

const LABEL_CODE = { bad_signature: 'unauthorized', replay: 'conflict', future: 'bad_request' } as const;

/** Why a statement was refused; nothing of it was stored. */
export class LabelRejected extends AtlasError {
  override name = 'LabelRejected';
  declare readonly reason: LabelRejection;
  constructor(reason: LabelRejection, message: string) {
    super(LABEL_CODE[reason], message, { reason });
  }
}

/** The typed-data message of a statement (uint64 fields as bigint). */
export function labelMessage(s: LabelStatement): { primaryType: 'SelfIdentification' | 'LabelRevocation'; message: Record<string, unknown> } {
  if (s.kind === 'identify') return { primaryType: 'SelfIdentification', message: { account: s.account, name: s.name, url: s.url, role: s.role, issuedAt: BigInt(s.issuedAt) } };
  return { primaryType: 'LabelRevocation', message: { account: s.account, issuedAt: BigInt(s.issuedAt) } };
}

/** Chain id of the labels' EIP-712 domain: the indexed network's. */
export const labelChainId = indexedChainId;

/**
 * Verifies and stores a statement. The signer must be the account; issuedAt must not be ahead of `now` (unix s)
 * by more than the skew and must be later than the stored label's, checked in the same statement that writes, so two
 * racing posts cannot both win. Returns the label now in force (null after a revocation).
 */
export async function submitLabel(db: Kysely<Database>, s: LabelStatement, opts: { chainId: number; now: number; authorities?: LabelAuthorities }): Promise<AddressLabel | null> {
  if (s.issuedAt > opts.now + LABEL_MAX_SKEW_S) throw new LabelRejected('future', `issuedAt ${s.issuedAt} is more than ${LABEL_MAX_SKEW_S} s ahead of the server clock (${opts.now})`);
  const { primaryType, message } = labelMessage(s);
  try {
    await verifyStatement({ chainId: opts.chainId, types: LABEL_TYPES as unknown as Record<string, { name: string; type: string }[]>, primaryType, message, signature: s.signature as Hex, claimed: s.account as Address });
  } catch (e) {
    throw new LabelRejected('bad_signature', (e as Error).message);
  }
  const identify = s.kind === 'identify';
  const name = identify ? s.name : null;
  const url = identify ? (s.url === '' ? null : s.url) : null;
  const role = identify ? s.role : null;
  const stored = await db.transaction().execute(async (tx) => {
    const up = await sql<{ address: string }>`
      insert into address_label (address, issued_at, revoked, name, url, role, signature)
      values (${s.account}, ${s.issuedAt}, ${!identify}, ${name}, ${url}, ${role}, ${s.signature})
      on conflict (address) do update set issued_at = excluded.issued_at, revoked = excluded.revoked, name = excluded.name, url = excluded.url,
        role = excluded.role, signature = excluded.signature, updated_at = now()
      where address_label.issued_at < excluded.issued_at
      returning address`.execute(tx);
    if (up.rows.length === 0) {
      const cur = await sql<{ issued_at: string }>`select issued_at::text from address_label where address = ${s.account}`.execute(tx);
      throw new LabelRejected('replay', `a statement for ${s.account} with issuedAt ${cur.rows[0]?.issued_at ?? '?'} is already stored; a new statement needs a later issuedAt`);
    }
    await sql`insert into address_label_statement (address, issued_at, kind, name, url, role, signature, chain_id)
      values (${s.account}, ${s.issuedAt}, ${s.kind}, ${name}, ${url}, ${role}, ${s.signature}, ${opts.chainId})`.execute(tx);
    return identify ? { address: s.account, name: name!, url, role: role as LabelRole, issuedAt: s.issuedAt, signature: s.signature } : null;
  });
  return stored === null ? null : (await withBacking(db, [stored], opts.authorities ?? NO_AUTHORITIES))[0]!;
}

type LabelRow = { address: string; name: string; url: string | null; role: string; issued_at: string; signature: string };
type UncheckedLabel = Omit<AddressLabel, 'verified' | 'roleSource'>;
const toLabel = (r: LabelRow): UncheckedLabel => ({ address: r.address, name: r.name, url: r.url, role: r.role as LabelRole, issuedAt: Number(r.issued_at), signature: r.signature });

/**
 * Addresses of `candidates` the indexed chain shows in each role: orchestrator and delegate (a BondingManager
 * transcoder record), delegator (a bond), gateway (a TicketBroker deposit or reserve), spe (a recipient of LPT paid
 * out of the Treasury). Foundation, exchange and other have no on-chain mark: only configuration backs them.
 */
async function chainRoles(db: Kysely<Database>, candidates: readonly string[]): Promise<Map<LabelRole, Set<string>>> {
  const out = new Map<LabelRole, Set<string>>();
  if (candidates.length === 0) return out;
  const list = sql.join([...candidates]);
  const r = await sql<{ role: LabelRole; address: string }>`
    select 'orchestrator' as role, address from transcoder where address in (${list})
    union all select 'delegate', address from transcoder where address in (${list})
    union all select 'delegator', address from delegator where address in (${list}) and bonded_amount > 0
    union all select 'gateway', address from gateway where address in (${list}) and (deposit > 0 or reserve > 0)
    union all select distinct 'spe', lower(e.args->>'to') from treasury_balance b
      join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
      where b.delta < 0 and lower(e.args->>'to') in (${list})`.execute(db);
  for (const x of r.rows) out.set(x.role, (out.get(x.role) ?? new Set()).add(x.address.toLowerCase()));
  return out;
}

/** Adds to each label whether its role is backed, by configuration first, else by the chain. */
async function withBacking(db: Kysely<Database>, labels: UncheckedLabel[], authorities: LabelAuthorities): Promise<AddressLabel[]> {
  const chain = await chainRoles(db, [...new Set(labels.map((l) => l.address))]);
  return labels.map((l) => {
    const roleSource: RoleSource | null = authorities.get(l.address)?.has(l.role) ? 'configuration' : chain.get(l.role)?.has(l.address) ? 'chain' : null;
    return { ...l, verified: roleSource !== null, roleSource };
  });
}

/** Labels in force for the given addresses (lower-case), by address, each with whether its role is backed. */
export async function labelsFor(db: Kysely<Database>, addresses: readonly string[], authorities: LabelAuthorities = NO_AUTHORITIES): Promise<Map<string, AddressLabel>> {
  const uniq = [...new Set(addresses.map((a) => a.toLowerCase()))];
  if (uniq.length === 0) return new Map();
  const r = await sql<LabelRow>`select address, name, url, role, issued_at::text, signature from address_label where not revoked and address in (${sql.join(uniq)})`.execute(db);
  return new Map((await withBacking(db, r.rows.map(toLabel), authorities)).map((l) => [l.address, l]));
}

/**
 * Every label in force, newest first, optionally of one role. Under an authority role (foundation, spe, exchange)
 * only verified holders are listed: a key cannot list itself as the Foundation by signing the word.
 */
export async function listLabels(db: Kysely<Database>, opts: { role?: LabelRole; limit: number; authorities?: LabelAuthorities }): Promise<AddressLabel[]> {
  const where = opts.role ? sql`and role = ${opts.role}` : sql``;
  const onlyVerified = opts.role !== undefined && AUTHORITY_ROLES.has(opts.role);
  // Claims of an authority role are few; all are checked so the limit counts verified holders.
  const limit = onlyVerified ? sql`` : sql`limit ${opts.limit}`;
  const r = await sql<LabelRow>`select address, name, url, role, issued_at::text, signature from address_label where not revoked ${where} order by issued_at desc, address ${limit}`.execute(db);
  const labels = await withBacking(db, r.rows.map(toLabel), opts.authorities ?? NO_AUTHORITIES);
  return onlyVerified ? labels.filter((l) => l.verified).slice(0, opts.limit) : labels;
}

/** Every accepted statement of an address, newest first (the audit trail). */
export async function labelHistory(db: Kysely<Database>, account: string): Promise<{ kind: string; name: string | null; url: string | null; role: string | null; issuedAt: number; signature: string; chainId: number }[]> {
  const r = await sql<{ kind: string; name: string | null; url: string | null; role: string | null; issued_at: string; signature: string; chain_id: number }>`
    select kind, name, url, role, issued_at::text, signature, chain_id from address_label_statement where address = ${account.toLowerCase()} order by issued_at desc`.execute(db);
  return r.rows.map((x) => ({ kind: x.kind, name: x.name, url: x.url, role: x.role, issuedAt: Number(x.issued_at), signature: x.signature, chainId: Number(x.chain_id) }));
}
