import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { AdvertError } from './adverts.js';
import { atlasDomain, SignatureError } from './signing.js';
import { ADVERT_TYPES, MAX_FUTURE_SKEW_S, PROFILE_TYPES, verifySignedAdvert, verifySignedProfile } from './statements.js';

const orch = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const other = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const CHAIN = 31337;
const NOW = 1_760_000_000;

async function signAdvert(advert: unknown, opts: { by?: typeof orch; claimed?: string; seq?: number; issuedAt?: number; chainId?: number } = {}) {
  const by = opts.by ?? orch;
  const text = typeof advert === 'string' ? advert : JSON.stringify(advert);
  const claimed = (opts.claimed ?? by.address) as `0x${string}`;
  const seq = opts.seq ?? 1;
  const issuedAt = opts.issuedAt ?? NOW;
  const signature = await by.signTypedData({ domain: atlasDomain(opts.chainId ?? CHAIN), types: ADVERT_TYPES, primaryType: 'CapabilityAdvert', message: { orchestrator: claimed, seq: BigInt(seq), issuedAt: BigInt(issuedAt), advert: text } });
  return { orchestrator: claimed, seq, issuedAt, advert: text, signature };
}

const advert = (address = orch.address) => ({ orchestrator: address, capabilities: ['text-to-image'], models: [{ capability: 27, model: 'sdxl', warm: true }], regions: ['FRA'] });

describe('signed capability adverts', () => {
  it('accepts an advert signed by its orchestrator', async () => {
    const v = await verifySignedAdvert(await signAdvert(advert()), CHAIN, NOW);
    expect(v.signer).toBe(orch.address.toLowerCase());
    expect(v.seq).toBe(1n);
    expect(v.value.models[0]!.model).toBe('sdxl');
  });

  it('accepts a signed OrchestratorInfo with regions and tags', async () => {
    const info = { address: orch.address, transcoder: 'https://o.example:8935', capabilities: { bitstring: [2 ** 27], version: '0.8.6' }, capabilities_prices: [{ pricePerUnit: 5, pixelsPerUnit: 1, capability: 27, constraint: 'sdxl' }] };
    const v = await verifySignedAdvert(await signAdvert({ orchestratorInfo: info, regions: ['SIN'], tags: ['gdpr'] }), CHAIN, NOW);
    expect(v.value).toMatchObject({ capabilities: [27], regions: ['SIN'], tags: ['gdpr'], serviceUri: 'https://o.example:8935' });
  });

  it('rejects another signer, a changed text, another chain, future statements and adverts for someone else', async () => {
    const signedByOther = await signAdvert(advert(), { by: other, claimed: orch.address });
    await expect(verifySignedAdvert(signedByOther, CHAIN, NOW)).rejects.toThrow(/not by the claimed signer/);

    const good = await signAdvert(advert());
    const tampered = { ...good, advert: JSON.stringify({ ...advert(), regions: ['LAX'] }) };
    await expect(verifySignedAdvert(tampered, CHAIN, NOW)).rejects.toBeInstanceOf(SignatureError);
    await expect(verifySignedAdvert({ ...good, seq: 2 }, CHAIN, NOW)).rejects.toBeInstanceOf(SignatureError);
    await expect(verifySignedAdvert(good, 42161, NOW)).rejects.toBeInstanceOf(SignatureError);

    const future = await signAdvert(advert(), { issuedAt: NOW + MAX_FUTURE_SKEW_S + 1 });
    await expect(verifySignedAdvert(future, CHAIN, NOW)).rejects.toThrow(/in the future/);
    await expect(verifySignedAdvert(await signAdvert(advert(), { issuedAt: NOW + MAX_FUTURE_SKEW_S }), CHAIN, NOW)).resolves.toBeTruthy();

    const forOther = await signAdvert(advert(other.address));
    await expect(verifySignedAdvert(forOther, CHAIN, NOW)).rejects.toThrow(/advert is for 0x.*but the statement is signed as/);
  });

  it('rejects malformed envelopes and adverts before checking the signature', async () => {
    const good = await signAdvert(advert());
    await expect(verifySignedAdvert({ ...good, signature: '0x1234' }, CHAIN, NOW)).rejects.toThrow(/signature must be 65 bytes/);
    await expect(verifySignedAdvert({ ...good, orchestrator: 'alice' }, CHAIN, NOW)).rejects.toThrow(/orchestrator: must be a 0x-prefixed/);
    await expect(verifySignedAdvert({ ...good, issuedAt: 12.5 }, CHAIN, NOW)).rejects.toThrow(/issuedAt must be whole unix seconds/);
    await expect(verifySignedAdvert({ ...good, seq: -1 }, CHAIN, NOW)).rejects.toThrow(AdvertError);
    await expect(verifySignedAdvert({ ...good, extra: true }, CHAIN, NOW)).rejects.toThrow(/Unrecognized key/);
    const { signature: _s, ...noSig } = good;
    await expect(verifySignedAdvert(noSig, CHAIN, NOW)).rejects.toThrow(/signature/);
    await expect(verifySignedAdvert(await signAdvert('{"orchestrator": '), CHAIN, NOW)).rejects.toThrow(/advert is not valid JSON/);
    await expect(verifySignedAdvert(await signAdvert({ ...advert(), capabilities: ['warp-drive'] }), CHAIN, NOW)).rejects.toThrow(/unknown capability "warp-drive"/);
    await expect(verifySignedAdvert(await signAdvert({ orchestratorInfo: { address: orch.address, capabilities: { bitstring: [] } } }), CHAIN, NOW)).rejects.toThrow(/names no capability/);
  });
});

describe('signed gateway profiles', () => {
  const gw = other;
  const profile = (gateway = gw.address) => ({ gateway, name: 'sdxl-eu', expectedSessions: 4, requirements: { capability: 'text-to-image', model: 'sdxl', warm: true, region: 'FRA' } });
  async function signProfile(p: unknown, by = gw, claimed: string = by.address) {
    const text = JSON.stringify(p);
    const signature = await by.signTypedData({ domain: atlasDomain(CHAIN), types: PROFILE_TYPES, primaryType: 'GatewayProfile', message: { gateway: claimed as `0x${string}`, seq: 3n, issuedAt: BigInt(NOW), profile: text } });
    return { gateway: claimed, seq: '3', issuedAt: NOW, profile: text, signature };
  }

  it('accepts a profile signed by its gateway', async () => {
    const v = await verifySignedProfile(await signProfile(profile()), CHAIN, NOW);
    expect(v.value).toMatchObject({ name: 'sdxl-eu', expectedSessions: 4, requirements: { capability: 27, region: 'FRA' } });
    expect(v.seq).toBe(3n);
  });

  it('rejects another signer, a profile for another gateway and invalid requirements', async () => {
    await expect(verifySignedProfile(await signProfile(profile(), orch, gw.address), CHAIN, NOW)).rejects.toThrow(/not by the claimed signer/);
    await expect(verifySignedProfile(await signProfile(profile(orch.address)), CHAIN, NOW)).rejects.toThrow(/profile is for/);
    await expect(verifySignedProfile(await signProfile({ ...profile(), requirements: { capability: 27, minSuccessRate: 2 } }), CHAIN, NOW)).rejects.toThrow(/minSuccessRate/);
  });
});
