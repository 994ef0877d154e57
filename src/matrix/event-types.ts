/**
 * The Matrix event types the bridge records. They live with the Matrix layer because both
 * the transaction intake (src/core) and the timeline catch-up (src/matrix) filter by them,
 * and the core builds on the Matrix layer, never the other way round.
 */

/** State event that turns encryption on; it can never be turned off again. */
export const ENCRYPTION_STATE_TYPE = 'm.room.encryption';
/** An encrypted message (any kind: text, reaction, edit…) the bridge cannot read. */
export const ENCRYPTED_EVENT_TYPE = 'm.room.encrypted';

export const ENCRYPTION_TYPES: ReadonlySet<string> = new Set([
  ENCRYPTION_STATE_TYPE,
  ENCRYPTED_EVENT_TYPE,
]);

/**
 * Matrix event types the bridge acts on; everything else is not recorded. Encryption events
 * are recorded so an encrypted portal is announced, never a silent hole (core/encryption.ts).
 */
export const BRIDGED_TYPES: ReadonlySet<string> = new Set([
  'm.room.message',
  'm.sticker',
  'm.reaction',
  'm.room.redaction',
  ...ENCRYPTION_TYPES,
]);
