export * from './contract.js';
export * from './errors.js';
export * from './events.js';
export * from './file-url.js';
export * from './file-fetch.js';
export * from './send-ledger.js';
export * from './backoff.js';
export * from './retry-after.js';
export * from './channel-serializer.js';
export * from './rate-pacer.js';
// The common message model and its plain-text rendering, for connectors' formatting code.
export { plainText, type FormattedText, type InboundContent } from '../model/message.js';
export { toPlainText } from '../format/plain.js';
