import { getAddress, recoverTypedDataAddress, type Address, type Hex, type TypedDataDomain } from 'viem';
import { AtlasError } from '../base/errors.js';

/**
 * The EIP-712 domain of every statement Atlas accepts (self-identification, capability adverts, gateway
 * requirement profiles, telemetry batches, cost reports). No verifyingContract: statements are verified
 * off chain; chainId pins them to a network so a statement signed for a test chain does not replay on
 * Arbitrum One.
 */
export function atlasDomain(chainId: number): TypedDataDomain {
  return { name: 'Livepeer Atlas', version: '1', chainId };
}

/** A malformed signature, or one that does not recover to the claimed signer (401). */
export class SignatureError extends AtlasError {
  override name = 'SignatureError';
  constructor(message: string) {
    super('unauthorized', message, { reason: 'bad_signature' });
  }
}

/**
 * Recovers the signer of typed data and checks it is `claimed`; a malformed signature or a different
 * signer throws SignatureError with a message that says which.
 */
export async function verifyStatement(args: {
  chainId: number;
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
  signature: Hex;
  claimed: Address;
}): Promise<Address> {
  if (!/^0x[0-9a-fA-F]{130}$/.test(args.signature)) throw new SignatureError('signature must be 65 bytes as 0x-prefixed hex (r, s, v)');
  let signer: Address;
  try {
    signer = await recoverTypedDataAddress({ domain: atlasDomain(args.chainId), types: args.types, primaryType: args.primaryType, message: args.message, signature: args.signature });
  } catch (e) {
    throw new SignatureError(`signature cannot be verified: ${(e as Error).message.split('\n')[0]}`);
  }
  if (getAddress(signer) !== getAddress(args.claimed)) throw new SignatureError(`signature is by ${getAddress(signer)}, not by the claimed signer ${getAddress(args.claimed)}`);
  return getAddress(signer);
}
