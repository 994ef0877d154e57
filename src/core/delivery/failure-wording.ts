import type { FailureInfo } from '../retry.js';

/** Why a delivery failed and what to do, in words for the members of a room. */
export interface MemberWording {
  reason: string;
  advice: string;
}

/**
 * The bridge's own refusals whose message is written for room members (it says what to do
 * and names nothing internal). Any other code gets the generic wording below; its message
 * goes to the operator log only.
 */
const OWN_MESSAGES_FOR_MEMBERS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LONG',
  'FILE_TOO_LARGE',
  'UNSUPPORTED_MEDIA',
  'MEDIA_TYPE_NOT_ALLOWED',
  'MEDIA_INFECTED',
  'MEDIA_SCANNER_UNAVAILABLE',
  'REACTION_NEEDS_OWN_ACCOUNT',
  'REACTION_UNAVAILABLE',
  'MESSAGE_NOT_KNOWN',
]);

const TELL_OPERATOR =
  'if it keeps happening, tell the bridge operator (the bridge log has the details)';

/**
 * Turns a failure into member-facing words. Platform messages, error codes, ids and stack
 * traces are never repeated: they mean nothing to members and may expose internals. The
 * wording is chosen from the kind of failure only (status class, retries exhausted).
 */
export function memberWording(failure: FailureInfo, side: string): MemberWording {
  if (failure.code && OWN_MESSAGES_FOR_MEMBERS.has(failure.code)) {
    return { reason: tidy(failure.message), advice: '' };
  }
  const status = failure.status;
  if (failure.retryable) {
    return {
      reason: `${side} kept failing or could not be reached, even after several attempts`,
      advice: `send it again later; ${TELL_OPERATOR}`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      reason: `the bridge is not allowed to post there`,
      advice: 'ask the bridge operator to check the bridge account’s access to that channel',
    };
  }
  if (status === 404 || status === 410) {
    return {
      reason: `the channel, or the message it refers to, no longer exists on ${side}`,
      advice: `nothing to retry; ${TELL_OPERATOR}`,
    };
  }
  if (status === 413) {
    return {
      reason: `it is too large for ${side}`,
      advice: 'send it in smaller parts or share a link instead',
    };
  }
  if (status !== undefined) {
    return {
      reason: `${side} refused it`,
      advice: `try sending it again, perhaps in a simpler form; ${TELL_OPERATOR}`,
    };
  }
  return { reason: 'the bridge could not handle it', advice: TELL_OPERATOR };
}

/** One line, bounded: the message is the bridge's own, but a notice stays short. */
function tidy(message: string): string {
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}
