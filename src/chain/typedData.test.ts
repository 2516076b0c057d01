import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { atlasDomain, SignatureError, verifyStatement } from './typedData.js';

const alice = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const bob = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const types = { Note: [{ name: 'text', type: 'string' }, { name: 'nonce', type: 'uint64' }] };
const message = { text: 'hello', nonce: 7n };

describe('verifyStatement', () => {
  it('accepts the claimed signer', async () => {
    const signature = await alice.signTypedData({ domain: atlasDomain(31337), types, primaryType: 'Note', message });
    await expect(verifyStatement({ chainId: 31337, types, primaryType: 'Note', message, signature, claimed: alice.address })).resolves.toBe(alice.address);
  });
  it('rejects another signer, another chain, a changed message and malformed signatures', async () => {
    const signature = await alice.signTypedData({ domain: atlasDomain(31337), types, primaryType: 'Note', message });
    await expect(verifyStatement({ chainId: 31337, types, primaryType: 'Note', message, signature, claimed: bob.address })).rejects.toThrow(/not by the claimed signer/);
    await expect(verifyStatement({ chainId: 42161, types, primaryType: 'Note', message, signature, claimed: alice.address })).rejects.toBeInstanceOf(SignatureError);
    await expect(verifyStatement({ chainId: 31337, types, primaryType: 'Note', message: { ...message, nonce: 8n }, signature, claimed: alice.address })).rejects.toThrow(/not by the claimed signer/);
    await expect(verifyStatement({ chainId: 31337, types, primaryType: 'Note', message, signature: '0x1234', claimed: alice.address })).rejects.toThrow(/65 bytes/);
    const zeros = `0x${'00'.repeat(65)}` as const;
    await expect(verifyStatement({ chainId: 31337, types, primaryType: 'Note', message, signature: zeros, claimed: alice.address })).rejects.toBeInstanceOf(SignatureError);
  });
});
