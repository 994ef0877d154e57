import { reactionKeyText } from '../../connector/emoji/index.js';
import { toPlainText } from '../../format/plain.js';
import type { InboxPayload } from '../inbox-payload.js';

/** Characters of a message quoted in a failure notice: enough to recognise it, no more. */
const QUOTE_CHARS = 40;

/** Which message a failure notice is about, in words, and the Matrix event to reply to. */
export interface NoticeSubject {
  /** E.g. `message “Lunch at noon?”`, `file “report.pdf”`, `reaction 👍`. */
  what: string;
  /** When it was sent (ms since the epoch). */
  at: number;
  /** The failed Matrix event: the notice replies to it, so clients show which one. */
  replyTo?: string;
}

/** A short one-line quote: whitespace folded, cut at QUOTE_CHARS with an ellipsis. */
export function shortQuote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const cut = [...line];
  const short = cut.length > QUOTE_CHARS ? `${cut.slice(0, QUOTE_CHARS).join('')}…` : line;
  return `“${short}”`;
}

export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/**
 * Describes the failed item for room members; no ids (the reply relation points at it).
 * `platformName` turns a connector id into the name members know (e.g. "Chat X").
 */
export function noticeSubject(
  payload: InboxPayload,
  platformName: (connector: string) => string,
  now = Date.now(),
): NoticeSubject {
  if (payload.kind === 'matrix') {
    const e = payload.event;
    return {
      what: matrixWhat(e.type, e.content),
      at: e.origin_server_ts ?? now,
      replyTo: e.event_id,
    };
  }
  const e = payload.event;
  const from = `from ${platformName(payload.connector)}`;
  switch (e.kind) {
    case 'message': {
      const text = toPlainText(e.content.text);
      const file = e.content.attachments[0]?.name;
      const what = text
        ? `message ${shortQuote(text)}`
        : file
          ? `file ${shortQuote(file)}`
          : 'message';
      return { what: `${what} ${from}`, at: e.ts };
    }
    case 'edit':
      return { what: `edit ${shortQuote(toPlainText(e.content.text))} ${from}`, at: e.ts };
    case 'delete':
      return { what: `deletion of a message ${from}`, at: e.ts };
    default:
      return { what: `reaction ${reactionKeyText(e.key)} ${from}`, at: e.ts };
  }
}

function matrixWhat(type: string, content: Record<string, unknown>): string {
  const body = typeof content.body === 'string' ? content.body : '';
  const relates = content['m.relates_to'] as { rel_type?: unknown; key?: unknown } | undefined;
  if (type === 'm.reaction')
    return typeof relates?.key === 'string'
      ? `reaction ${reactionKeyText(relates.key)}`
      : 'reaction';
  if (type === 'm.room.redaction') return 'deletion of a message';
  if (relates?.rel_type === 'm.replace') return `edit ${shortQuote(newBody(content) ?? body)}`;
  const msgtype = typeof content.msgtype === 'string' ? content.msgtype : '';
  if (['m.file', 'm.image', 'm.video', 'm.audio'].includes(msgtype) || type === 'm.sticker') {
    const name = typeof content.filename === 'string' ? content.filename : body;
    return `file ${shortQuote(name)}`;
  }
  return body ? `message ${shortQuote(body)}` : 'message';
}

function newBody(content: Record<string, unknown>): string | undefined {
  const fresh = content['m.new_content'] as { body?: unknown } | undefined;
  return typeof fresh?.body === 'string' ? fresh.body : undefined;
}
