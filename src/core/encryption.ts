/**
 * Recognising end-to-end encryption in a portal room. The bridge cannot decrypt (it holds
 * no keys yet), so an encrypted room must never swallow messages silently: these pure
 * helpers decide which events show encryption and what people on each side are told.
 */

import { ENCRYPTED_EVENT_TYPE, ENCRYPTION_STATE_TYPE } from '../matrix/event-types.js';

// The event types themselves are Matrix facts (src/matrix/event-types.ts); re-exported here
// for the core's users of the encryption helpers.
export {
  ENCRYPTED_EVENT_TYPE,
  ENCRYPTION_STATE_TYPE,
  ENCRYPTION_TYPES,
} from '../matrix/event-types.js';

/** How long a Matrix user goes without a second reminder for sending encrypted messages. */
export const REMINDER_PERIOD_MS = 60 * 60 * 1000;

const MAX_ALGORITHM_LENGTH = 100;

export interface EncryptionSignal {
  /** `turned_on`: the room's m.room.encryption state; `encrypted_message`: one it sent. */
  kind: 'turned_on' | 'encrypted_message';
  algorithm: string;
}

interface EventShape {
  type: string;
  state_key?: unknown;
  content?: unknown;
}

/**
 * What an event says about encryption, or undefined when it says nothing. Any
 * m.room.encryption state event (state key "") counts, whatever its content: clients
 * encrypt on its presence, even with an unknown algorithm or content redacted.
 */
export function encryptionSignal(event: EventShape): EncryptionSignal | undefined {
  if (event.type === ENCRYPTION_STATE_TYPE && event.state_key === '') {
    return { kind: 'turned_on', algorithm: algorithmOf(event.content) };
  }
  if (event.type === ENCRYPTED_EVENT_TYPE && event.state_key === undefined) {
    return { kind: 'encrypted_message', algorithm: algorithmOf(event.content) };
  }
  return undefined;
}

/** content.algorithm fit for a log line and a database column: printable and bounded. */
export function algorithmOf(content: unknown): string {
  const raw =
    content !== null && typeof content === 'object'
      ? (content as { algorithm?: unknown }).algorithm
      : undefined;
  if (typeof raw !== 'string') return 'unknown';
  // eslint-disable-next-line no-control-regex
  const printable = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  if (printable === '') return 'unknown';
  return printable.length > MAX_ALGORITHM_LENGTH
    ? `${printable.slice(0, MAX_ALGORITHM_LENGTH)}…`
    : printable;
}

/** Names of the channels a portal links, e.g. `Chat X channel abc (main)`. */
export function channelList(names: string[]): string {
  if (names.length === 0) return 'the linked channels';
  if (names.length === 1) return names[0] as string;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The notice the bridge bot posts in the Matrix room when it turns encrypted. */
export function roomTurnedEncryptedNotice(sender: string, channels: string[]): string {
  return (
    `🔒 ${sender} turned on end-to-end encryption in this room. The bridge cannot read ` +
    `encrypted messages, so messages sent here no longer reach ${channelList(channels)}; ` +
    `messages from there still appear here. Encryption cannot be turned off again. To keep ` +
    `bridging, create a new room without encryption, then unlink the channels from this room ` +
    `and link them to the new one (!unlink and !link in a chat with the bridge bot, or ask ` +
    `your bridge administrator).`
  );
}

/** The message each linked platform channel gets, once, when the Matrix room turns encrypted. */
export function channelTurnedEncryptedNotice(): string {
  return (
    '🔒 The Matrix room bridged with this channel turned on end-to-end encryption, which the ' +
    'bridge cannot read: messages from Matrix can no longer cross to this channel. Messages ' +
    'posted here still reach the Matrix room. Ask your bridge administrator to link this ' +
    'channel with a new Matrix room without encryption.'
  );
}

/** The reminder a Matrix user gets (at most once per period) for sending encrypted messages. */
export function encryptedMessageReminder(sender: string, channels: string[]): string {
  const minutes = Math.round(REMINDER_PERIOD_MS / 60_000);
  return (
    `🔒 ${sender}: the bridge cannot read encrypted messages, so yours here do not reach ` +
    `${channelList(channels)}. Use a room without encryption linked to them instead. ` +
    `(This reminder comes at most once every ${minutes} minutes.)`
  );
}
