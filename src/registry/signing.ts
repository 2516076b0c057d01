// The registry's signed statements use the Atlas EIP-712 domain and verification of src/chain/typedData.ts.
export { atlasDomain, SignatureError, verifyStatement } from '../chain/typedData.js';
