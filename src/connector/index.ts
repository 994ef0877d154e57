export * from './contract.js';
export * from './errors.js';
export * from './events.js';
export * from './file-url.js';
export * from './file-fetch.js';
export * from './send-ledger.js';
export * from './emoji/index.js';
