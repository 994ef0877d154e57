/**
 * Platform users cannot pick a Matrix user from their client's mention list, so they write
 * `@Display Name` or `@localpart` as text. This turns such text into real mentions of the
 * portal's Matrix members (pill and `m.mentions`), only from plain text: never inside a link,
 * code or an existing mention, and never from markup the sender wrote.
 */
import type { Block, FormattedText, Inline } from '../model/message.js';

/** A member of the portal room who may be mentioned by name. */
export interface MentionableMember {
  userId: string;
  displayName?: string;
}

/** Longer names are not names people type; they are refused so matching stays cheap. */
const MAX_NAME_LENGTH = 64;
const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;
/** What may stand before `@` for it to start a mention (not `bob@example.org`). */
const BEFORE_AT = /[\p{L}\p{N}\p{M}_.+-]/u;

interface Candidate {
  name: string;
  userId: string;
  shown: string;
}

/** The names a member can be written as, lower-cased; a name two members share is dropped. */
function candidateIndex(members: readonly MentionableMember[]): Map<string, Candidate[]> {
  const byName = new Map<string, Candidate | null>();
  const add = (raw: string | undefined, userId: string, shown: string): void => {
    const name = raw?.trim().toLowerCase();
    if (!name || name.length > MAX_NAME_LENGTH || /[\n\r]/.test(name)) return;
    const prior = byName.get(name);
    if (prior === undefined) byName.set(name, { name, userId, shown });
    else if (prior && prior.userId !== userId) byName.set(name, null);
  };
  for (const m of members) {
    const localpart = /^@([^:]+):/.exec(m.userId)?.[1];
    const shown = m.displayName?.trim() || localpart || m.userId;
    add(m.displayName, m.userId, shown);
    add(localpart, m.userId, shown);
  }
  const index = new Map<string, Candidate[]>();
  for (const c of byName.values()) {
    if (!c) continue;
    const first = c.name[0] as string;
    index.set(first, [...(index.get(first) ?? []), c]);
  }
  for (const list of index.values()) list.sort((a, b) => b.name.length - a.name.length);
  return index;
}

/** The candidate written at `text[at]` (just after `@`), longest first; whole words only. */
function matchAt(text: string, at: number, index: Map<string, Candidate[]>): Candidate | undefined {
  const lower = text.slice(at, at + MAX_NAME_LENGTH + 1).toLowerCase();
  for (const c of index.get(lower[0] ?? '') ?? []) {
    if (!lower.startsWith(c.name)) continue;
    const after = text[at + c.name.length];
    const endsInWord = WORD_CHAR.test(c.name[c.name.length - 1] as string);
    if (after === undefined || !endsInWord || !WORD_CHAR.test(after)) return c;
  }
  return undefined;
}

/** Splits one text leaf into text and mention nodes. */
function splitText(text: string, index: Map<string, Candidate[]>): Inline[] {
  const out: Inline[] = [];
  let start = 0;
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    if (i > 0 && BEFORE_AT.test(text[i - 1] as string)) continue;
    const found = matchAt(text, i + 1, index);
    if (!found) continue;
    if (i > start) out.push({ type: 'text', text: text.slice(start, i) });
    out.push({
      type: 'mention',
      target: { kind: 'matrix', userId: found.userId },
      text: found.shown,
    });
    start = i + 1 + found.name.length;
    i = start - 1;
  }
  if (start === 0) return [{ type: 'text', text }];
  if (start < text.length) out.push({ type: 'text', text: text.slice(start) });
  return out;
}

function inlines(nodes: Inline[], index: Map<string, Candidate[]>): Inline[] {
  return nodes.flatMap((n): Inline[] => {
    switch (n.type) {
      case 'text':
        return splitText(n.text, index);
      case 'bold':
      case 'italic':
      case 'strike':
      case 'underline':
        return [{ ...n, children: inlines(n.children, index) }];
      case 'link':
      case 'code':
      case 'mention':
      case 'room_mention':
      case 'linebreak':
        return [n];
    }
  });
}

function block(b: Block, index: Map<string, Candidate[]>): Block {
  switch (b.type) {
    case 'paragraph':
    case 'heading':
      return { ...b, children: inlines(b.children, index) };
    case 'quote':
      return { ...b, children: b.children.map((c) => block(c, index)) };
    case 'list':
      return { ...b, items: b.items.map((item) => item.map((c) => block(c, index))) };
    case 'code_block':
    case 'rule':
      return b;
  }
}

/**
 * `text` with every `@name` of plain text that names one of `members` (display name or
 * localpart, any case, the longest name that fits, as a whole word) made a mention of them.
 * A name two members share stays text: it does not say whom it means.
 */
export function mentionMembersByName(
  text: FormattedText,
  members: readonly MentionableMember[],
): FormattedText {
  if (members.length === 0) return text;
  const index = candidateIndex(members);
  if (index.size === 0) return text;
  return { blocks: text.blocks.map((b) => block(b, index)) };
}
