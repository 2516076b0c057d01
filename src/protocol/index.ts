// Public surface of the protocol math: pure functions and the BondingManager mirror; no IO, no app imports.
export * from './precision.js';
export * from './inflation.js';
export * from './earnings.js';
export * from './transcoder-pool.js';
export * from './ledger-types.js';
export * from './ledger.js';
export * from './governance.js';
export * from './polls.js';
export * from './versions.js';
