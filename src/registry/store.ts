import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { latestRound } from '../read/rounds.js';
import { advertFromJson, advertToJson, type Advert, type AdvertJson } from './adverts.js';
import type { Candidate } from './matcher.js';
import { requirementsFromJson, requirementsToJson, type Profile, type RequirementsJson } from './profiles.js';
import type { Verified } from './statements.js';
import { AtlasError } from '../base/errors.js';

/** Registry persistence: every advert and profile version is kept; "current" is derived at read time. */

type Db = Kysely<Database>;

/** A sequence number at or below one already accepted from the same signer (409). */
const staleSeq = (message: string) => new AtlasError('conflict', message, { reason: 'stale_seq' });

export interface StoredAdvert {
  id: number;
  source: 'signed' | 'snapshot';
  seq: string | null;
  issuedAt: number;
  lastSeenAt: number;
  priceChanged: boolean;
  capabilitiesChanged: boolean;
  /** Who put the record here: the orchestrator for a signed advert, the signing gateway for a snapshot (null: imported before imports were signed). */
  submittedBy: string | null;
  advert: Advert;
}

interface AdvertRow {
  id: string;
  orchestrator: string;
  source: 'signed' | 'snapshot';
  seq: string | null;
  issued_at: string;
  last_seen_at: string;
  price_changed: boolean;
  capabilities_changed: boolean;
  submitted_by: string | null;
  body: AdvertJson | string;
}

const parseBody = <T>(b: T | string): T => (typeof b === 'string' ? (JSON.parse(b) as T) : b);

function storedOf(r: AdvertRow): StoredAdvert {
  return {
    id: Number(r.id),
    source: r.source,
    seq: r.seq,
    issuedAt: Number(r.issued_at),
    lastSeenAt: Number(r.last_seen_at),
    priceChanged: r.price_changed,
    capabilitiesChanged: r.capabilities_changed,
    submittedBy: r.submitted_by,
    advert: advertFromJson(parseBody(r.body)),
  };
}

// A snapshot row keeps the importing gateway's statement ({gateway, observedAt, contentHash}) and signature.
const ADVERT_COLS = sql`id::text, orchestrator, source, seq::text, issued_at::text, last_seen_at::text, price_changed, capabilities_changed, body,
  case when source = 'signed' then orchestrator else (statement::jsonb ->> 'gateway') end as submitted_by`;

// What counts as a requote: any change of the stated prices. Capacity in use moves with every job and is
// not a change of offer.
const priceKey = (a: AdvertJson) => canonical(a.prices);
const offerKey = (a: AdvertJson) => canonical([a.version, a.capabilities, a.mandatories, a.capacities, a.models.map((m) => ({ ...m, capacityInUse: 0 })), a.hardware, a.regions, a.tags, a.serviceUri]);

/** JSON with object keys sorted: jsonb returns keys in its own order, so plain JSON text would not compare. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

async function previousAdvert(db: Db, orchestrator: string): Promise<AdvertJson | null> {
  const r = await sql<{ body: AdvertJson | string }>`select body from registry_advert where orchestrator = ${orchestrator} order by id desc limit 1`.execute(db);
  return r.rows[0] ? parseBody(r.rows[0].body) : null;
}

/**
 * Stores a verified signed advert. Its seq must exceed every seq this orchestrator used before, so a
 * replayed or out-of-order statement is refused (409 stale_seq) and nothing is written.
 */
export async function insertSignedAdvert(db: Db, v: Verified<Advert>, statement: string): Promise<StoredAdvert> {
  return db.transaction().execute(async (trx) => {
    const orch = v.value.orchestrator;
    // Serialises concurrent statements of one orchestrator; the unique index backs it up.
    await sql`select pg_advisory_xact_lock(hashtext(${`registry-advert:${orch}`}))`.execute(trx);
    const last = await sql<{ seq: string | null }>`select max(seq)::text as seq from registry_advert where orchestrator = ${orch} and source = 'signed'`.execute(trx);
    const lastSeq = last.rows[0]?.seq;
    if (lastSeq !== null && lastSeq !== undefined && v.seq <= BigInt(lastSeq)) throw staleSeq(`seq ${v.seq} is not above ${lastSeq}, the last seq accepted from ${orch}`);
    const body = advertToJson(v.value);
    const prev = await previousAdvert(trx, orch);
    const res = await sql<AdvertRow>`
      insert into registry_advert (orchestrator, source, seq, signature, statement, issued_at, last_seen_at, body, price_changed, capabilities_changed)
      values (${orch}, 'signed', ${v.seq.toString()}, ${v.signature}, ${statement}, ${v.issuedAt}, ${v.issuedAt}, ${JSON.stringify(body)}::jsonb,
        ${prev !== null && priceKey(prev) !== priceKey(body)}, ${prev !== null && offerKey(prev) !== offerKey(body)})
      returning ${ADVERT_COLS}`.execute(trx);
    return storedOf(res.rows[0]!);
  });
}

export interface ImportResult {
  /** Orchestrators whose offer changed (or first seen): a new history row. */
  inserted: string[];
  /** Orchestrators whose offer was the same as last time: only last_seen_at moved. */
  unchanged: string[];
}

/** Who imported a snapshot and the proof: kept on every row the import writes or refreshes. */
export interface SnapshotProvenance {
  gateway: string;
  contentHash: string;
  signature: string;
}

/**
 * Stores adverts seen in a gateway's network-capabilities snapshot at `observedAt` (unix s). All or
 * nothing: one transaction.
 */
export async function importSnapshot(db: Db, adverts: Advert[], observedAt: number, from: SnapshotProvenance): Promise<ImportResult> {
  const statement = JSON.stringify({ gateway: from.gateway, observedAt, contentHash: from.contentHash });
  return db.transaction().execute(async (trx) => {
    const out: ImportResult = { inserted: [], unchanged: [] };
    for (const a of adverts) {
      await sql`select pg_advisory_xact_lock(hashtext(${`registry-advert:${a.orchestrator}`}))`.execute(trx);
      const body = advertToJson(a);
      const prevRow = await sql<{ id: string; body: AdvertJson | string; source: string }>`
        select id::text, body, source from registry_advert where orchestrator = ${a.orchestrator} order by registry_advert.id desc limit 1`.execute(trx);
      const prev = prevRow.rows[0] ? parseBody(prevRow.rows[0].body) : null;
      if (prev && prevRow.rows[0]!.source === 'snapshot' && priceKey(prev) === priceKey(body) && offerKey(prev) === offerKey(body)) {
        await sql`update registry_advert set last_seen_at = greatest(last_seen_at, ${observedAt}), body = ${JSON.stringify(body)}::jsonb,
          statement = ${statement}, signature = ${from.signature} where id = ${prevRow.rows[0]!.id}`.execute(trx);
        out.unchanged.push(a.orchestrator);
        continue;
      }
      await sql`
        insert into registry_advert (orchestrator, source, statement, signature, issued_at, last_seen_at, body, price_changed, capabilities_changed)
        values (${a.orchestrator}, 'snapshot', ${statement}, ${from.signature}, ${observedAt}, ${observedAt}, ${JSON.stringify(body)}::jsonb,
          ${prev !== null && priceKey(prev) !== priceKey(body)}, ${prev !== null && offerKey(prev) !== offerKey(body)})`.execute(trx);
      out.inserted.push(a.orchestrator);
    }
    return out;
  });
}

/**
 * The current advert of every orchestrator: its latest signed advert, else the latest snapshot. An
 * orchestrator's own signed word wins over what a gateway saw, so an unsigned import cannot rewrite it.
 */
export async function currentAdverts(db: Db): Promise<StoredAdvert[]> {
  const r = await sql<AdvertRow>`
    select distinct on (orchestrator) ${ADVERT_COLS} from registry_advert
    order by orchestrator, (source = 'signed') desc, registry_advert.id desc`.execute(db);
  return r.rows.map(storedOf);
}

/** Every version of one orchestrator's advert, newest first. */
export async function advertHistory(db: Db, orchestrator: string, limit: number): Promise<StoredAdvert[]> {
  const r = await sql<AdvertRow>`select ${ADVERT_COLS} from registry_advert where orchestrator = ${orchestrator} order by registry_advert.id desc limit ${limit}`.execute(db);
  return r.rows.map(storedOf);
}

export interface RequoteStats {
  orchestrator: string;
  adverts: number;
  priceChanges: number;
  capabilityChanges: number;
  firstAt: number;
  lastAt: number;
}

/** Per orchestrator since `since` (unix s): versions stored, how many changed prices, how many changed the offer. */
export async function requoteStats(db: Db, since: number): Promise<RequoteStats[]> {
  const r = await sql<Record<string, string>>`
    select orchestrator, count(*)::text as adverts, count(*) filter (where price_changed)::text as price_changes,
      count(*) filter (where capabilities_changed)::text as capability_changes, min(issued_at)::text as first_at, max(last_seen_at)::text as last_at
    from registry_advert where issued_at >= ${since}
    group by orchestrator order by count(*) filter (where price_changed) desc, orchestrator`.execute(db);
  return r.rows.map((x) => ({
    orchestrator: x.orchestrator!,
    adverts: Number(x.adverts),
    priceChanges: Number(x.price_changes),
    capabilityChanges: Number(x.capability_changes),
    firstAt: Number(x.first_at),
    lastAt: Number(x.last_at),
  }));
}

/** Every advert version, oldest first: each was in force for its orchestrator from its issuedAt on. */
export async function advertVersions(db: Db): Promise<{ orchestrator: string; issuedAt: number; advert: Advert; signed: boolean }[]> {
  const r = await sql<{ orchestrator: string; issued_at: string; body: AdvertJson | string; source: string }>`
    select orchestrator, issued_at::text, body, source from registry_advert order by registry_advert.issued_at, registry_advert.id`.execute(db);
  return r.rows.map((x) => ({ orchestrator: x.orchestrator, issuedAt: Number(x.issued_at), advert: advertFromJson(parseBody(x.body)), signed: x.source === 'signed' }));
}

// ------------------------------------------------------------------ profiles

export interface StoredProfile {
  id: number;
  seq: string;
  issuedAt: number;
  profile: Profile;
}

interface ProfileJson extends Omit<Profile, 'requirements'> {
  requirements: RequirementsJson;
}

/** Stores a verified profile version; seq must exceed the gateway's previous one (409 stale_seq). */
export async function insertProfile(db: Db, v: Verified<Profile>, statement: string): Promise<StoredProfile> {
  return db.transaction().execute(async (trx) => {
    const gw = v.value.gateway;
    await sql`select pg_advisory_xact_lock(hashtext(${`registry-profile:${gw}`}))`.execute(trx);
    const last = await sql<{ seq: string | null }>`select max(seq)::text as seq from registry_profile where gateway = ${gw}`.execute(trx);
    const lastSeq = last.rows[0]?.seq;
    if (lastSeq !== null && lastSeq !== undefined && v.seq <= BigInt(lastSeq)) throw staleSeq(`seq ${v.seq} is not above ${lastSeq}, the last seq accepted from ${gw}`);
    const body: ProfileJson = { ...v.value, requirements: requirementsToJson(v.value.requirements) };
    const res = await sql<{ id: string }>`
      insert into registry_profile (gateway, name, seq, signature, statement, issued_at, body, expected_sessions, retired)
      values (${gw}, ${v.value.name}, ${v.seq.toString()}, ${v.signature}, ${statement}, ${v.issuedAt}, ${JSON.stringify(body)}::jsonb, ${v.value.expectedSessions}, ${v.value.retired})
      returning id::text`.execute(trx);
    return { id: Number(res.rows[0]!.id), seq: v.seq.toString(), issuedAt: v.issuedAt, profile: v.value };
  });
}

function profileOf(r: { id: string; seq: string; issued_at: string; body: ProfileJson | string }): StoredProfile {
  const b = parseBody(r.body);
  return { id: Number(r.id), seq: r.seq, issuedAt: Number(r.issued_at), profile: { ...b, requirements: requirementsFromJson(b.requirements) } };
}

/** The latest version of every job class that is not retired. */
export async function currentProfiles(db: Db, gateway?: string): Promise<StoredProfile[]> {
  const r = await sql<{ id: string; seq: string; issued_at: string; body: ProfileJson | string; retired: boolean }>`
    select * from (
      select distinct on (gateway, name) id::text, seq::text, issued_at::text, body, retired from registry_profile
      ${gateway ? sql`where gateway = ${gateway}` : sql``}
      order by gateway, name, registry_profile.id desc
    ) p where not retired order by issued_at::bigint desc, id::bigint desc`.execute(db);
  return r.rows.map(profileOf);
}

/** One job class by gateway and name (latest version, retired or not); null when never published. */
export async function profileByName(db: Db, gateway: string, name: string): Promise<(StoredProfile & { retired: boolean }) | null> {
  const r = await sql<{ id: string; seq: string; issued_at: string; body: ProfileJson | string; retired: boolean }>`
    select id::text, seq::text, issued_at::text, body, retired from registry_profile where gateway = ${gateway} and name = ${name} order by registry_profile.id desc limit 1`.execute(db);
  return r.rows[0] ? { ...profileOf(r.rows[0]), retired: r.rows[0].retired } : null;
}

/** Profile versions since `since` (unix s), oldest first: the demand declared over time. */
export async function profileVersions(db: Db, since: number): Promise<(StoredProfile & { retired: boolean })[]> {
  const r = await sql<{ id: string; seq: string; issued_at: string; body: ProfileJson | string; retired: boolean }>`
    select id::text, seq::text, issued_at::text, body, retired from registry_profile where issued_at >= ${since} order by registry_profile.issued_at, registry_profile.id`.execute(db);
  return r.rows.map((x) => ({ ...profileOf(x), retired: x.retired }));
}

// ------------------------------------------------------------------ candidates (adverts + chain stake)

/**
 * Matcher candidates: current adverts with the orchestrator's bonded stake (LPT-wei) and active-set
 * membership in the latest indexed round, from the indexed transcoder table.
 */
export async function loadCandidates(db: Db): Promise<Candidate[]> {
  const adverts = await currentAdverts(db);
  if (adverts.length === 0) return [];
  const cur = (await latestRound(db)).toString();
  const stake = await sql<{ address: string; total_stake: string; active: boolean }>`
    select address, total_stake::text, coalesce(activation_round <= ${cur} and ${cur} < deactivation_round, false) as active from transcoder`.execute(db);
  const by = new Map(stake.rows.map((s) => [s.address.toLowerCase(), s]));
  return adverts.map((a) => {
    const s = by.get(a.advert.orchestrator);
    return { advert: a.advert, stake: s ? BigInt(s.total_stake) : 0n, active: s?.active ?? false, verified: a.source === 'signed', advertAt: a.lastSeenAt };
  });
}

/** Changes whenever the candidate set may have: an advert inserted or updated (newest xmin), indexed stake or a new round. */
export async function candidateVersion(db: Db): Promise<string> {
  const [k, round] = await Promise.all([
    sql<{ k: string }>`
      select concat_ws(':', (select count(*) from registry_advert), (select max(id) from registry_advert),
        (select max(xmin::text::bigint) from registry_advert), (select max(updated_block) from transcoder),
        (select count(*) from transcoder)) as k`.execute(db),
    latestRound(db),
  ]);
  return `${k.rows[0]!.k}:${round}`;
}
