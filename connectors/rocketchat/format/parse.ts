/**
 * Rocket.Chat message text → common FormattedText, through the server's own parser
 * (@rocket.chat/message-parser), so what the bridge reads is what Rocket.Chat users see.
 *
 * Rocket.Chat's AST has one PARAGRAPH per line and a LINE_BREAK node per blank line; lines
 * that follow each other become one paragraph with line breaks here.
 */
import { parse, type Root } from '@rocket.chat/message-parser';
import {
  type Block,
  type FormattedText,
  type Inline,
  headingLevel,
  joinInlines,
  linesParagraph,
  type MentionTarget,
  plainParagraphs,
  tableParagraph,
  trimmedInlines,
  truncateUtf16,
} from '../../../src/connector/index.js';
import { rocketEmojiToUnicode } from './emoji.js';

export interface ParseRocketOptions {
  /** Maps a username to a mention target; undefined → the text stays plain `@name`. */
  resolveUser: (username: string) => MentionTarget | undefined;
  /** Display name shown for a resolved mention; defaults to `@username`. */
  userDisplayName?: (username: string) => string | undefined;
}

/** Rocket.Chat refuses messages over Message_MaxAllowedSize (5000 by default); parse at most this much. */
const MAX_TEXT = 16 * 1024;
/**
 * The parser backtracks badly on long runs of unmatched delimiters (hundreds of `*`, `[(`…
 * take seconds). Text with more delimiters than any real message has is read as plain text.
 */
const MAX_DELIMITERS = 200;
const DELIMITER_RUN = /([*_~[(])\1{7,}/;

function pathological(text: string): boolean {
  const outsideCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  if (DELIMITER_RUN.test(outsideCode)) return true;
  let count = 0;
  for (const c of outsideCode) if ('*_~[('.includes(c) && ++count > MAX_DELIMITERS) return true;
  return false;
}
const ROOM_WORDS = new Set(['all', 'here']);

/** Node shapes come from the wire or a parser we do not control: read them defensively. */
type AnyNode = { type?: unknown; value?: unknown; [k: string]: unknown };
const nodes = (v: unknown): AnyNode[] =>
  Array.isArray(v) ? v.filter((n): n is AnyNode => typeof n === 'object' && n !== null) : [];
const plainValue = (v: unknown): string =>
  typeof v === 'object' && v !== null && typeof (v as AnyNode).value === 'string'
    ? ((v as AnyNode).value as string)
    : '';

/** The usernames a text mentions (without all/here), to resolve them in one go before parsing. */
export function extractMentionNames(text: string): string[] {
  const names = new Set<string>();
  const visit = (list: unknown): void => {
    for (const n of nodes(list)) {
      if (n.type === 'MENTION_USER') {
        const name = mentionName(plainValue(n.value));
        if (name && !ROOM_WORDS.has(name.toLowerCase())) names.add(name);
      }
      visit(n.value);
      if (typeof n.value === 'object' && n.value !== null) visit((n.value as AnyNode).label);
    }
  };
  visit(safeParse(text));
  return [...names];
}

function safeParse(text: string): Root | undefined {
  const src = truncateUtf16(text.replace(/\r\n?/g, '\n'), MAX_TEXT);
  if (pathological(src)) return undefined;
  try {
    return parse(src, { emoticons: false });
  } catch {
    return undefined;
  }
}

/** `@alice.` ends a sentence: the dot is not part of the username. */
function mentionName(raw: string): string {
  return raw.replace(/\.+$/, '');
}

export function parseRocketMarkdown(text: string, opts: ParseRocketOptions): FormattedText {
  if (typeof text !== 'string' || text.trim() === '') return { blocks: [] };
  const root = safeParse(text);
  if (!root) return { blocks: plainParagraphs(text) };
  return { blocks: blocksFrom(nodes(root), opts) };
}

function blocksFrom(list: AnyNode[], opts: ParseRocketOptions): Block[] {
  const out: Block[] = [];
  let lines: Inline[][] = [];
  const flush = (): void => {
    const paragraph = linesParagraph(lines);
    if (paragraph) out.push(paragraph);
    lines = [];
  };
  for (const n of list) {
    if (n.type === 'PARAGRAPH') {
      lines.push(inlinesFrom(nodes(n.value), opts));
      continue;
    }
    flush();
    const block = blockFrom(n, opts);
    if (block) out.push(block);
  }
  flush();
  return out;
}

function blockFrom(n: AnyNode, opts: ParseRocketOptions): Block | undefined {
  switch (n.type) {
    case 'LINE_BREAK':
      return undefined;
    case 'HEADING': {
      const children = trimmedInlines(inlinesFrom(nodes(n.value), opts));
      return children.length > 0
        ? { type: 'heading', level: headingLevel(n.level), children }
        : undefined;
    }
    case 'CODE': {
      const text = nodes(n.value)
        .map((line) => plainValue(line.value))
        .join('\n');
      const lang = typeof n.language === 'string' && n.language !== 'none' ? n.language : undefined;
      return lang ? { type: 'code_block', language: lang, text } : { type: 'code_block', text };
    }
    case 'KATEX':
      return {
        type: 'code_block',
        language: 'latex',
        text: typeof n.value === 'string' ? n.value : '',
      };
    case 'QUOTE':
    case 'SPOILER_BLOCK': {
      const children = blocksFrom(nodes(n.value), opts);
      return children.length > 0 ? { type: 'quote', children } : undefined;
    }
    case 'UNORDERED_LIST':
    case 'ORDERED_LIST': {
      const items = nodes(n.value).map((item): Block[] => {
        const paragraph = linesParagraph([inlinesFrom(nodes(item.value), opts)]);
        return paragraph ? [paragraph] : [];
      });
      const first = Number(nodes(n.value)[0]?.number);
      const ordered = n.type === 'ORDERED_LIST';
      return ordered && Number.isSafeInteger(first) && first !== 1
        ? { type: 'list', ordered, start: first, items }
        : { type: 'list', ordered, items };
    }
    case 'TASKS': {
      const items = nodes(n.value).map((task): Block[] => [
        {
          type: 'paragraph',
          children: trimmedInlines([
            { type: 'text', text: task.status === true ? '☑ ' : '☐ ' },
            ...inlinesFrom(nodes(task.value), opts),
          ]),
        },
      ]);
      return { type: 'list', ordered: false, items };
    }
    case 'HORIZONTAL_RULE':
      return { type: 'rule' };
    case 'TABLE':
      return tableFrom(n, opts);
    case 'BIG_EMOJI': {
      const emoji = nodes(n.value).map((e) => inlineFrom(e, opts));
      return linesParagraph([joinInlines(emoji, { type: 'text', text: ' ' })]);
    }
    default:
      // Unknown block: keep whatever text it carries.
      return linesParagraph([inlinesFrom(nodes(n.value), opts)]);
  }
}

function tableFrom(n: AnyNode, opts: ParseRocketOptions): Block | undefined {
  const value = (typeof n.value === 'object' && n.value !== null ? n.value : {}) as AnyNode;
  const cells = (row: unknown) => nodes(row).map((cell) => inlinesFrom(nodes(cell.value), opts));
  const header = cells(value.header).map((c): Inline[] =>
    c.length > 0 ? [{ type: 'bold', children: c }] : [],
  );
  const rows = [header, ...nodes(value.rows).map((r) => cells(r.value))].filter(
    (r) => r.length > 0,
  );
  return tableParagraph(rows);
}

function inlinesFrom(list: AnyNode[], opts: ParseRocketOptions, inLink = false): Inline[] {
  return list.flatMap((n) => inlineFrom(n, opts, inLink));
}

function inlineFrom(n: AnyNode, opts: ParseRocketOptions, inLink = false): Inline[] {
  const children = () => inlinesFrom(nodes(n.value), opts, inLink);
  switch (n.type) {
    case 'PLAIN_TEXT':
      return typeof n.value === 'string' ? [{ type: 'text', text: n.value }] : [];
    case 'BOLD':
      return [{ type: 'bold', children: children() }];
    case 'ITALIC':
      return [{ type: 'italic', children: children() }];
    case 'STRIKE':
      return [{ type: 'strike', children: children() }];
    case 'SPOILER':
      return children();
    case 'INLINE_CODE':
      return [{ type: 'code', text: plainValue(n.value) }];
    case 'INLINE_KATEX':
      return [{ type: 'code', text: typeof n.value === 'string' ? n.value : '' }];
    case 'LINK':
    case 'IMAGE': {
      const v = (typeof n.value === 'object' && n.value !== null ? n.value : {}) as AnyNode;
      const href = plainValue(v.src);
      const label = Array.isArray(v.label) ? nodes(v.label) : nodes([v.label]);
      const inner = inlinesFrom(label, opts, true);
      if (href === '' || inLink) return inner;
      return [
        { type: 'link', href, children: inner.length > 0 ? inner : [{ type: 'text', text: href }] },
      ];
    }
    case 'MENTION_USER':
      return mention(plainValue(n.value), opts, inLink);
    case 'MENTION_CHANNEL':
      return [{ type: 'text', text: `#${plainValue(n.value)}` }];
    case 'EMOJI': {
      if (typeof n.unicode === 'string') return [{ type: 'text', text: n.unicode }];
      const code = typeof n.shortCode === 'string' ? n.shortCode : plainValue(n.value);
      return [{ type: 'text', text: rocketEmojiToUnicode(code) ?? `:${code}:` }];
    }
    case 'TIMESTAMP': {
      const v = (n.value ?? {}) as AnyNode;
      const secs = Number(v.timestamp);
      return [
        { type: 'text', text: Number.isFinite(secs) ? new Date(secs * 1000).toISOString() : '' },
      ];
    }
    case 'COLOR':
      return [];
    default:
      return children();
  }
}

function mention(raw: string, opts: ParseRocketOptions, inLink: boolean): Inline[] {
  const name = mentionName(raw);
  const rest = raw.slice(name.length);
  const tail: Inline[] = rest === '' ? [] : [{ type: 'text', text: rest }];
  if (name === '') return [{ type: 'text', text: `@${raw}` }];
  if (inLink) return [{ type: 'text', text: `@${raw}` }];
  if (ROOM_WORDS.has(name.toLowerCase())) return [{ type: 'room_mention' }, ...tail];
  const target = opts.resolveUser(name);
  if (!target) return [{ type: 'text', text: `@${raw}` }];
  return [{ type: 'mention', target, text: opts.userDisplayName?.(name) || `@${name}` }, ...tail];
}
