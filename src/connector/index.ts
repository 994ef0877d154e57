// The one public entry point of the core for connectors (connectors/<id>/ import nothing else
// of src/; eslint.boundaries.js enforces it).
export * from './contract.js';
export * from './connection-problem.js';
export * from './capabilities.js';
export * from './errors.js';
export * from './events.js';
export * from './file-url.js';
export * from './file-fetch.js';
export * from './attachment-kind.js';
export * from './reaction-snapshots.js';
export * from './send-ledger.js';
export * from './backoff.js';
export * from './retry-after.js';
export * from './channel-serializer.js';
export * from './rate-pacer.js';
export * from './retry-until-done.js';
export * from './emoji/index.js';
export * from './catch-up-types.js';
export * from './catch-up.js';
export * from './cursor-book.js';
export * from './cursor-order.js';
export * from './replay-order.js';
export * from './catch-up-kit.js';

// The common message model connectors convert platform markup to and from, and the core's
// formatting helpers they share for it.
export * from '../model/message.js';
export {
  escapeHtml,
  forEachInline,
  matrixToUserLink,
  normalizeInlines,
  parseMatrixHtml,
  splitText,
  toPlainText,
} from '../format/index.js';
export { hasChildren, textWithBreaks } from '../format/inline.js';
export { mapInlines } from '../format/map-inlines.js';
export { truncateUtf16 } from '../format/sanitize.js';
export { BridgeError, errorMessage } from '../util/errors.js';
// The core's rule for workspace names, for a connector's `workspaces:` schema (propertyNames).
export { WORKSPACE_NAMES } from '../config/workspace-name.js';
// A connector's own error codes: a table made with defineErrorCodes, exported by its definition
// (`errorCodes`) and added to ConnectorErrorCodes by declaration merging.
export {
  defineErrorCodes,
  type ConnectorErrorCodes,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorCodeTable,
} from '../util/error-codes.js';
export * from './bounded.js';
export * from './workspace-registry.js';
export * from './workspaces-schema.js';
export * from './outbound-text.js';
export * from './markup.js';
export * from './reconnector.js';
export * from './page-builder.js';
export * from './json-frame.js';
export * from './ttl-cache.js';
export * from './inbound-mentions.js';
export * from './markdown-writer.js';
export * from './markdown-text.js';
export * from './server-file.js';
export * from './markup-blocks.js';
export * from './workspace-connector.js';
export * from './event-socket.js';
