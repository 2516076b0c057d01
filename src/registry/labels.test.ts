import { sql } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { putGateway, putTranscoder } from '../../test/helpers/registry.js';
import { LABEL_TYPES, LabelRejected, labelChainId, labelHistory, labelMessage, labelStatementSchema, labelsFor, listLabels, submitLabel, type LabelStatement } from './labels.js';
import { atlasDomain } from './signing.js';

const alice = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const bob = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const CHAIN = 31337;
const NOW = 1_750_000_000;

type Unsigned = Omit<Extract<LabelStatement, { kind: 'identify' }>, 'signature'> | Omit<Extract<LabelStatement, { kind: 'revoke' }>, 'signature'>;

async function sign(s: Unsigned, by = alice, chainId = CHAIN): Promise<LabelStatement> {
  const draft = { ...s, signature: '0x' } as LabelStatement;
  const { primaryType, message } = labelMessage(draft);
  const signature = await by.signTypedData({ domain: atlasDomain(chainId), types: LABEL_TYPES, primaryType, message } as Parameters<typeof by.signTypedData>[0]);
  return { ...draft, signature };
}

const identify = (issuedAt: number, name = 'Alice Video', account = alice.address.toLowerCase()) =>
  ({ kind: 'identify', account, name, url: 'https://alice.example', role: 'orchestrator', issuedAt }) as const;

describe.each(dbKinds)('address labels on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
  });
  afterAll(async () => db?.close());
  const count = async () => Number((await sql<{ n: string }>`select count(*)::text as n from address_label_statement`.execute(db.db)).rows[0]!.n);

  it('stores a statement signed by the account, with its signature', async () => {
    const s = await sign(identify(NOW - 100));
    const label = await submitLabel(db.db, s, { chainId: CHAIN, now: NOW });
    // Alice says she is an orchestrator; the chain does not (yet) show her as one.
    expect(label).toEqual({ address: alice.address.toLowerCase(), name: 'Alice Video', url: 'https://alice.example', role: 'orchestrator', issuedAt: NOW - 100, signature: s.signature, verified: false, roleSource: null });
    expect((await labelsFor(db.db, [alice.address])).get(alice.address.toLowerCase())?.name).toBe('Alice Video');
    expect(await listLabels(db.db, { limit: 10 })).toHaveLength(1);
    expect(await listLabels(db.db, { role: 'gateway', limit: 10 })).toHaveLength(0);
    expect(await labelChainId(db.db)).toBe(31337);
  });

  it('rejects another signer, another chain, a changed message, replays and future statements without writing', async () => {
    const before = await count();
    const byBob = await sign(identify(NOW), bob);
    await expect(submitLabel(db.db, byBob, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'bad_signature', message: expect.stringMatching(/not by the claimed signer/) });
    const otherChain = await sign(identify(NOW), alice, 42161);
    await expect(submitLabel(db.db, otherChain, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'bad_signature' });
    const good = await sign(identify(NOW));
    await expect(submitLabel(db.db, { ...good, name: 'Mallory' } as LabelStatement, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'bad_signature' });
    const replay = await sign(identify(NOW - 100));
    await expect(submitLabel(db.db, replay, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'replay' });
    const older = await sign(identify(NOW - 200));
    await expect(submitLabel(db.db, older, { chainId: CHAIN, now: NOW })).rejects.toBeInstanceOf(LabelRejected);
    const future = await sign(identify(NOW + 601));
    await expect(submitLabel(db.db, future, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'future' });
    expect(await count()).toBe(before);
    expect((await labelsFor(db.db, [alice.address])).get(alice.address.toLowerCase())?.name).toBe('Alice Video');
  });

  it('replaces with a newer statement and revokes with a signed revocation, keeping the trail', async () => {
    await submitLabel(db.db, await sign(identify(NOW - 50, 'Alice Transcoding')), { chainId: CHAIN, now: NOW });
    expect((await labelsFor(db.db, [alice.address])).get(alice.address.toLowerCase())?.name).toBe('Alice Transcoding');
    const revoke = await sign({ kind: 'revoke', account: alice.address.toLowerCase(), issuedAt: NOW - 10 });
    expect(await submitLabel(db.db, revoke, { chainId: CHAIN, now: NOW })).toBeNull();
    expect((await labelsFor(db.db, [alice.address])).size).toBe(0);
    // The revocation itself cannot be replayed, and an old identification cannot come back after it.
    await expect(submitLabel(db.db, revoke, { chainId: CHAIN, now: NOW })).rejects.toMatchObject({ reason: 'replay' });
    const h = await labelHistory(db.db, alice.address);
    expect(h.map((x) => [x.kind, x.issuedAt])).toEqual([['revoke', NOW - 10], ['identify', NOW - 50], ['identify', NOW - 100]]);
  });

  it('lists an authority role only when the chain or the configuration backs it; other claims show as unverified', async () => {
    const keys = ['0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba', '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e', '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356', '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97'];
    const [mallory, foundation, spe, gw] = keys.map((k) => privateKeyToAccount(k as `0x${string}`));
    const who = (a: { address: string }) => a.address.toLowerCase();
    const claim = async (by: typeof alice, role: string, name: string, authorities = new Map()) =>
      submitLabel(db.db, await sign({ kind: 'identify', account: who(by), name, url: '', role, issuedAt: NOW - 5 } as Unsigned, by), { chainId: CHAIN, now: NOW, authorities });
    const authorities = new Map([[who(foundation!), new Set(['foundation' as const])]]);

    // The issue's attack: a fresh key signs "Livepeer Foundation" with role foundation.
    expect(await claim(mallory!, 'foundation', 'Livepeer Foundation', authorities)).toMatchObject({ role: 'foundation', verified: false, roleSource: null });
    expect(await claim(foundation!, 'foundation', 'Livepeer Foundation', authorities)).toMatchObject({ verified: true, roleSource: 'configuration' });
    expect((await listLabels(db.db, { role: 'foundation', limit: 10, authorities })).map((l) => l.address)).toEqual([who(foundation!)]);
    // Without the configuration nobody is the Foundation; the claims stay visible as claims.
    expect(await listLabels(db.db, { role: 'foundation', limit: 10 })).toEqual([]);
    expect((await labelsFor(db.db, [who(mallory!)], authorities)).get(who(mallory!))).toMatchObject({ name: 'Livepeer Foundation', verified: false });

    // SPE: backed by the chain once the Treasury paid the address LPT (a Transfer out of the Treasury).
    expect(await claim(spe!, 'spe', 'Video SPE')).toMatchObject({ verified: false });
    expect(await listLabels(db.db, { role: 'spe', limit: 10 })).toEqual([]);
    await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, a2, amount, args)
      values (900, 1, '0x01', 0, ${NOW - 3}, 1, 'LivepeerToken', 'Transfer', null, null, 5, ${JSON.stringify({ from: '0x00000000000000000000000000000000000000aa', to: spe!.address, value: '5' })})`.execute(db.db);
    await sql`insert into treasury_balance (block_number, log_index, balance, delta, kind) values (900, 1, 0, -5, 'transfer')`.execute(db.db);
    expect((await listLabels(db.db, { role: 'spe', limit: 10 })).map((l) => [l.address, l.roleSource])).toEqual([[who(spe!), 'chain']]);

    // Roles the chain records directly: a registered orchestrator, a funded gateway.
    expect(await claim(gw!, 'gateway', 'GW')).toMatchObject({ verified: false });
    await putGateway(db.db, gw!.address, 10n ** 16n);
    expect((await labelsFor(db.db, [gw!.address])).get(who(gw!))).toMatchObject({ verified: true, roleSource: 'chain' });
    const orch = privateKeyToAccount('0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd');
    await putTranscoder(db.db, orch.address, 1n);
    expect(await claim(orch, 'orchestrator', 'Orch')).toMatchObject({ verified: true, roleSource: 'chain' });
  });

  it('lets only one of two racing statements with the same issuedAt win', async () => {
    const a = await sign(identify(NOW, 'Bob A', bob.address.toLowerCase()), bob);
    const b = await sign(identify(NOW, 'Bob B', bob.address.toLowerCase()), bob);
    const r = await Promise.allSettled([submitLabel(db.db, a, { chainId: CHAIN, now: NOW }), submitLabel(db.db, b, { chainId: CHAIN, now: NOW })]);
    expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await labelHistory(db.db, bob.address)).toHaveLength(1);
  });
});

describe('label statement schema', () => {
  const base = { kind: 'identify', account: alice.address, name: 'A', url: '', role: 'delegator', issuedAt: NOW, signature: `0x${'11'.repeat(65)}` };
  const msg = (x: unknown) => labelStatementSchema.safeParse(x).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  it('accepts a well-formed statement and lower-cases the account', () => {
    expect(labelStatementSchema.parse(base).account).toBe(alice.address.toLowerCase());
  });
  it('rejects each malformed field with a clear message', () => {
    expect(msg({ ...base, name: 'x'.repeat(65) })).toMatch(/name: must be at most 64/);
    expect(msg({ ...base, name: '' })).toMatch(/name: must not be empty/);
    expect(msg({ ...base, name: 'a\u0007b' })).toMatch(/control characters/);
    expect(msg({ ...base, url: 'javascript:alert(1)' })).toMatch(/url: must be empty or an http\(s\) URL/);
    expect(msg({ ...base, role: 'king' })).toMatch(/role: must be one of/);
    expect(msg({ ...base, issuedAt: 1.5 })).toMatch(/issuedAt/);
    expect(msg({ ...base, signature: '0x12' })).toMatch(/signature: must be a 65-byte signature/);
    expect(msg({ ...base, account: '0x12' })).toMatch(/account: must be a 0x-prefixed/);
    expect(msg({ ...base, extra: 1 })).toMatch(/extra/);
    expect(msg({ ...base, kind: 'delete' })).toMatch(/kind/);
  });
});
