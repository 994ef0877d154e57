// The API's stable error codes (docs/errors.md, docs/admin.md) as sentences that say what to
// do. A code the console does not know falls back to the server's own text, which is
// written for people too; raw JSON never reaches the page.

const BY_FIELD = {
  room: 'Give the Matrix room as its id (!abc:example.org) or an alias (#name:example.org).',
  channel: 'Choose a channel in the list (or type its id when the platform cannot list them).',
  connector: 'Choose a platform.',
  workspace: 'Choose a workspace.',
  outcome: 'Choose an outcome from the list.',
  actor: 'Type a Matrix user id such as @you:example.org, or leave the field empty.',
};

const SENTENCES = {
  UNAUTHENTICATED: 'Your session has ended: sign in again.',
  BAD_TOKEN: 'Your session has ended or the secret is wrong: sign in again.',
  PERMISSION_DENIED:
    'You do not have the permission for this. Ask a bridge admin to give you the level it needs (linker to link and unlink, admin for the audit log).',
  ROOM_POWER_TOO_LOW:
    "You need the power to change this room's settings in Matrix. Ask a room moderator to do it, or to raise your power level.",
  PRIVATE_CHANNEL_DENIED:
    'This channel is private. Link your own account on that platform first, or ask a bridge admin to link it.',
  CHANNEL_UNREACHABLE:
    "The bridge's bot cannot see this channel. Add the bot to the channel on the platform, then try again.",
  CHANNEL_ALREADY_LINKED:
    'This channel is already linked to another room. Unlink it there first, or choose another channel.',
  ROOM_NOT_FOUND: 'No room has this alias. Check the spelling, or give the room id (!…) instead.',
  ROOM_UNREACHABLE:
    'The bridge bot cannot join this room. Invite the bridge bot to the room in Matrix, then link again.',
  ROOM_ENCRYPTED:
    'This room is end-to-end encrypted, and the bridge cannot read encrypted rooms. Link a room without encryption.',
  LINK_DECLARED:
    'This link is made by the config file. Change it under portals: in the config, then reload the bridge.',
  LINK_NOT_FOUND:
    'This link does not exist any more (someone may have removed it). The list is up to date now.',
  CONNECTOR_UNKNOWN: 'This platform is not running on the bridge any more. Reload the page.',
  WORKSPACE_UNKNOWN: 'This workspace is not configured on the bridge any more. Reload the page.',
  UNSUPPORTED: 'This platform cannot do that. Type the channel id instead of choosing it.',
  RATE_LIMITED: 'Too many requests in a short time. Wait a minute, then try again.',
  REMOTE_UNAVAILABLE:
    'The platform or the homeserver did not answer. Check the connection states below, then try again in a moment.',
  ERASURE_SUBJECT_UNKNOWN:
    'The bridge holds nothing about this person, so nothing was erased. Check the id (the platform user id, not the name).',
  ERASURE_INCOMPLETE:
    'The homeserver refused a step of the erasure; nothing was deleted from the bridge yet. Try again in a moment.',
  INTERNAL:
    "The bridge failed unexpectedly. Try again; if it fails again, the bridge's log has the details.",
};

/** The console and the bridge disagree: only a reload (or a bug report) helps. */
const MISMATCH = new Set(['NOT_JSON', 'TOO_LARGE', 'METHOD_NOT_ALLOWED', 'NOT_FOUND']);

/** An API refusal: `code` and `field` from the answer, `detail` the server's own text. */
export class ApiError extends Error {
  constructor({ code, field, detail, status }) {
    super(plainSentence(code, field, detail, status));
    this.code = code;
    this.field = field;
    this.status = status;
  }
}

export function plainSentence(code, field, detail, status) {
  if (code === 'INVALID_REQUEST' && BY_FIELD[field]) return BY_FIELD[field];
  if (SENTENCES[code]) return SENTENCES[code];
  if (MISMATCH.has(code)) {
    return 'The console and the bridge do not understand each other (an older page?). Reload the page; if this stays, report it.';
  }
  if (code === 'INVALID_REQUEST') {
    return 'The bridge did not accept what was sent. Check each field of the form and try again.';
  }
  // The bridge's own words are written for people; anything shaped like data is not shown.
  if (typeof detail === 'string' && detail && !/^\s*[[{]/.test(detail)) {
    return `The bridge refused: ${detail.replace(/\.$/, '')}.`;
  }
  return `The bridge answered with an error (HTTP ${status}). Try again; if it stays, read the bridge's log.`;
}

/** fetch itself failed: nothing answered. */
export const UNREACHABLE =
  'The bridge did not answer. Check that it is running and reachable, then try again.';
