/**
 * Slack mrkdwn (message `text`) → common FormattedText. Slack's markup is line-based and
 * small: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ``` ```` blocks, `>` quotes,
 * and `<…>` control sequences for mentions and links; `&`, `<`, `>` arrive as entities.
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  normalizeInlines,
} from '../../../src/connector/index.js';
import { slackEmoji } from './emoji.js';
import { SAFE_LINK, unescapeMrkdwn } from './entities.js';
import type { MentionResolver } from './mentions.js';

const DELIMS: Record<string, 'bold' | 'italic' | 'strike'> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
};
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const BULLET = /^(\s*)([•◦▪‣*-])\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^(?:&gt;|>)\s?(.*)$/;
const QUOTE_REST = /^(?:&gt;|>){3}\s?(.*)$/s;
const EMOJI_CODE = /:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):/g;
const MAX_DEPTH = 8;

export function parseMrkdwn(text: string, resolver: MentionResolver): FormattedText {
  return { blocks: parseBlocks(text.replace(/\r\n?/g, '\n'), resolver, 0) };
}

// ---------------------------------------------------------------------------------------
// Blocks

function parseBlocks(text: string, r: MentionResolver, depth: number): Block[] {
  const blocks: Block[] = [];
  const parts = text.split('```');
  // An unclosed fence is just text.
  if (parts.length % 2 === 0)
    parts.splice(-2, 2, `${parts[parts.length - 2]}\`\`\`${parts[parts.length - 1]}`);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) {
      const code = unescapeMrkdwn(part.replace(/^\n/, '').replace(/\n$/, ''));
      if (code !== '') blocks.push({ type: 'code_block', text: code });
    } else {
      blocks.push(...parseLines(part.split('\n'), r, depth));
    }
  }
  return blocks;
}

function parseLines(lines: string[], r: MentionResolver, depth: number): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const flushPara = () => {
    const children = inlineLines(para, r);
    if (children.length > 0) blocks.push({ type: 'paragraph', children });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const rest = QUOTE_REST.exec(line);
    if (rest && depth < MAX_DEPTH) {
      flushPara();
      const inner = [rest[1]!, ...lines.slice(i + 1)].join('\n');
      blocks.push({ type: 'quote', children: parseBlocks(inner, r, depth + 1) });
      return blocks;
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      flushPara();
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      i--;
      blocks.push({ type: 'quote', children: parseBlocks(quoted.join('\n'), r, depth + 1) });
      continue;
    }
    if (isListLine(line)) {
      flushPara();
      const items: string[] = [];
      while (i < lines.length && isListLine(lines[i]!)) items.push(lines[i++]!);
      i--;
      blocks.push(...parseList(items, r));
      continue;
    }
    if (line.trim() === '') flushPara();
    else para.push(line);
  }
  flushPara();
  return blocks;
}

function isListLine(line: string): boolean {
  // `*bold* text` is not a bullet: a bullet marker is followed by a space.
  return BULLET.test(line) || ORDERED.test(line);
}

interface ListLine {
  indent: number;
  ordered: boolean;
  number: number;
  content: string;
}

function listLine(line: string): ListLine {
  const b = BULLET.exec(line);
  if (b) return { indent: b[1]!.length, ordered: false, number: 0, content: b[3]! };
  const o = ORDERED.exec(line)!;
  return { indent: o[1]!.length, ordered: true, number: Number(o[2]), content: o[3]! };
}

/** Lines of list items; deeper indentation nests under the item above. */
function parseList(lines: string[], r: MentionResolver): Block[] {
  const parsed = lines.map(listLine);
  const build = (from: number, to: number): Block[] => {
    const out: Block[] = [];
    let i = from;
    while (i < to) {
      const head = parsed[i]!;
      const list: Extract<Block, { type: 'list' }> = {
        type: 'list',
        ordered: head.ordered,
        items: [],
      };
      if (head.ordered && head.number !== 1) list.start = head.number;
      while (i < to && parsed[i]!.indent === head.indent && parsed[i]!.ordered === head.ordered) {
        const item: Block[] = [
          { type: 'paragraph', children: inlineLines([parsed[i]!.content], r) },
        ];
        let j = i + 1;
        while (j < to && parsed[j]!.indent > head.indent) j++;
        if (j > i + 1) item.push(...build(i + 1, j));
        list.items.push(item);
        i = j;
      }
      out.push(list);
    }
    return out;
  };
  return build(0, parsed.length);
}

// ---------------------------------------------------------------------------------------
// Inlines

function inlineLines(lines: string[], r: MentionResolver): Inline[] {
  const out: Inline[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push({ type: 'linebreak' });
    out.push(...parseInlines(line, r, 0));
  });
  // Trailing spaces and breaks say nothing.
  while (out.length > 0 && out[out.length - 1]!.type === 'linebreak') out.pop();
  return normalizeInlines(out);
}

function textNodes(raw: string): Inline[] {
  const text = unescapeMrkdwn(raw).replace(
    EMOJI_CODE,
    (m, name: string) => slackEmoji.toUnicode(name) ?? m,
  );
  return text === '' ? [] : [{ type: 'text', text }];
}

/** Index of the `>` closing a control sequence at `i`, or -1. */
function controlEnd(s: string, i: number): number {
  const end = s.indexOf('>', i + 1);
  if (end < 0) return -1;
  const inner = s.slice(i + 1, end);
  return /^[@#!]|^[a-z][a-z0-9+.-]*:/i.test(inner) && !inner.includes('<') ? end : -1;
}

function canOpen(s: string, i: number): boolean {
  const prev = s[i - 1];
  const next = s[i + 1];
  return (prev === undefined || !WORD.test(prev)) && next !== undefined && !SPACE.test(next);
}

/** The closing delimiter for one opening at `i`, skipping code spans and control sequences. */
function closingDelimiter(s: string, i: number): number {
  const d = s[i]!;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '<') {
      const end = controlEnd(s, j);
      if (end > 0) j = end;
      continue;
    }
    if (c === '`') {
      const end = s.indexOf('`', j + 1);
      if (end > 0) j = end;
      continue;
    }
    if (c !== d || j === i + 1) continue;
    const prev = s[j - 1]!;
    const next = s[j + 1];
    if (!SPACE.test(prev) && (next === undefined || !WORD.test(next))) return j;
  }
  return -1;
}

function parseInlines(s: string, r: MentionResolver, depth: number): Inline[] {
  const out: Inline[] = [];
  let start = 0;
  const flush = (to: number) => {
    out.push(...textNodes(s.slice(start, to)));
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '<') {
      const end = controlEnd(s, i);
      if (end < 0) continue;
      flush(i);
      out.push(...control(s.slice(i + 1, end), r));
      start = end + 1;
      i = end;
    } else if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end <= i + 1) continue;
      flush(i);
      out.push({ type: 'code', text: unescapeMrkdwn(s.slice(i + 1, end)) });
      start = end + 1;
      i = end;
    } else if (DELIMS[c] && depth < MAX_DEPTH && canOpen(s, i)) {
      const end = closingDelimiter(s, i);
      if (end < 0) continue;
      flush(i);
      out.push({ type: DELIMS[c]!, children: parseInlines(s.slice(i + 1, end), r, depth + 1) });
      start = end + 1;
      i = end;
    }
  }
  flush(s.length);
  return out;
}

/** `<@U…>`, `<#C…|name>`, `<!here>`, `<!subteam^S…|@team>`, `<url|label>`. */
function control(inner: string, r: MentionResolver): Inline[] {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : unescapeMrkdwn(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const user = r.user(id);
    if (user) return [{ type: 'mention', target: user.target, text: label ?? user.name }];
    return [{ type: 'text', text: `@${label ?? id}` }];
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return [{ type: 'text', text: `#${label || r.channelName(id) || id}` }];
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (command === 'here' || command === 'channel' || command === 'everyone') {
      return [{ type: 'room_mention' }];
    }
    if (label) return [{ type: 'text', text: label }];
    return [{ type: 'text', text: command.startsWith('subteam^') ? '@group' : `@${command}` }];
  }
  const href = unescapeMrkdwn(target);
  if (!SAFE_LINK.test(href)) return textNodes(label ?? target);
  const shown = label ?? href.replace(/^mailto:/i, '');
  return [{ type: 'link', href, children: [{ type: 'text', text: shown }] }];
}
