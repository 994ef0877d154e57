/**
 * Matrix `m.room.message` content → common FormattedText.
 * HTML bodies are sanitised first, then walked; plain bodies are split into paragraphs.
 * Never throws: malformed content yields an empty or best-effort text.
 */
import type { Block, FormattedText, Inline } from '../model/message.js';
import { sanitizeDisplayName } from './display-name.js';
import { revealDisguisedLinks } from './disguised-links.js';
import { parseHtmlTree, textContent, type HtmlElement, type HtmlNode } from './html-tree.js';
import { detectRoomMentions, normalizeInlines, textWithBreaks } from './inline.js';
import { sanitizeMatrixHtml, truncateUtf16, MAX_HTML_LENGTH } from './sanitize.js';

export const MATRIX_HTML_FORMAT = 'org.matrix.custom.html';

export interface MatrixContentLike {
  body?: unknown;
  format?: unknown;
  formatted_body?: unknown;
  msgtype?: unknown;
}

export interface ParseMatrixOptions {
  /** The event is a reply (`m.relates_to.m.in_reply_to`): strip a plain-text reply fallback. */
  isReply?: boolean;
}

export function parseMatrix(
  content: MatrixContentLike,
  opts: ParseMatrixOptions = {},
): FormattedText {
  try {
    if (content.format === MATRIX_HTML_FORMAT && typeof content.formatted_body === 'string') {
      return parseMatrixHtml(content.formatted_body);
    }
    if (typeof content.body === 'string') return parsePlainBody(content.body, opts);
  } catch {
    // Fall through: a message we cannot format is still delivered as plain text below.
    if (typeof content.body === 'string') {
      try {
        return parsePlainBody(content.body, opts);
      } catch {
        /* ignore */
      }
    }
  }
  return { blocks: [] };
}

/**
 * Parses (and sanitises) an `org.matrix.custom.html` body. Links whose text names another
 * address than their target come out with the real target shown.
 */
export function parseMatrixHtml(html: string): FormattedText {
  const tree = parseHtmlTree(sanitizeMatrixHtml(html));
  return revealDisguisedLinks({ blocks: blocksFrom(tree.children) });
}

// ---------------------------------------------------------------------------------------
// Plain bodies

/** Removes a reply fallback: `> `-prefixed lines at the top followed by a blank line. */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  if (!lines[0]?.startsWith('> ')) return body;
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i += 1;
  if (i >= lines.length || lines[i]!.trim() !== '') return body;
  return lines.slice(i + 1).join('\n');
}

export function parsePlainBody(body: string, opts: ParseMatrixOptions = {}): FormattedText {
  let text = truncateUtf16(body, MAX_HTML_LENGTH).replace(/\r\n?/g, '\n');
  if (opts.isReply) text = stripReplyFallback(text);
  const blocks: Block[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    const trimmed = para.replace(/^\n+|\n+$/g, '');
    if (trimmed.trim() === '') continue;
    const children = normalizeInlines(detectRoomMentions(textWithBreaks(trimmed)));
    if (children.length > 0) blocks.push({ type: 'paragraph', children });
  }
  return { blocks };
}

// ---------------------------------------------------------------------------------------
// HTML → blocks

const HEADINGS: Record<string, 1 | 2 | 3 | 4 | 5 | 6> = {
  h1: 1,
  h2: 2,
  h3: 3,
  h4: 4,
  h5: 5,
  h6: 6,
};
const BLOCK_TAGS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'td',
  'th',
  'caption',
  'details',
  'summary',
]);

const collapseWhitespace = (s: string): string => s.replace(/[ \t\n\r\f]+/g, ' ');

function blocksFrom(children: readonly HtmlNode[]): Block[] {
  const blocks: Block[] = [];
  let pending: Inline[] = [];
  const flush = (): void => {
    pushParagraph(blocks, pending);
    pending = [];
  };
  for (const child of children) {
    if (child.type === 'text') {
      pending.push({ type: 'text', text: collapseWhitespace(child.text) });
      continue;
    }
    if (child.name === 'mx-reply') continue;
    if (!BLOCK_TAGS.has(child.name)) {
      pending.push(...inlinesFromElement(child));
      continue;
    }
    flush();
    blocks.push(...blockFromElement(child));
  }
  flush();
  return blocks;
}

function blockFromElement(el: HtmlElement): Block[] {
  const heading = HEADINGS[el.name];
  if (heading !== undefined) {
    const children = finishInlines(inlinesFrom(el.children));
    return children.length > 0 ? [{ type: 'heading', level: heading, children }] : [];
  }
  switch (el.name) {
    case 'p':
    case 'summary':
    case 'caption': {
      const out: Block[] = [];
      pushParagraph(out, inlinesFrom(el.children));
      return out;
    }
    case 'pre':
      return [codeBlock(el)];
    case 'blockquote': {
      const children = blocksFrom(el.children);
      return children.length > 0 ? [{ type: 'quote', children }] : [];
    }
    case 'ul':
    case 'ol':
      return [list(el)];
    case 'hr':
      return [{ type: 'rule' }];
    case 'table':
      return table(el);
    default:
      // div, details, stray li/tr/td…: transparent containers.
      return blocksFrom(el.children);
  }
}

function pushParagraph(blocks: Block[], inlines: Inline[]): void {
  const children = finishInlines(inlines);
  if (children.length > 0) blocks.push({ type: 'paragraph', children });
}

function codeBlock(pre: HtmlElement): Block {
  let language: string | undefined;
  const code = pre.children.find(
    (c): c is HtmlElement => c.type === 'element' && c.name === 'code',
  );
  const cls = code?.attrs.class;
  if (cls) {
    for (const c of cls.split(/\s+/)) {
      if (c.startsWith('language-') && c.length > 'language-'.length) {
        language = c.slice('language-'.length);
        break;
      }
    }
  }
  let text = textContent(pre);
  if (text.startsWith('\n')) text = text.slice(1);
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return language === undefined
    ? { type: 'code_block', text }
    : { type: 'code_block', language, text };
}

function list(el: HtmlElement): Block {
  const ordered = el.name === 'ol';
  const items: Block[][] = [];
  let stray: HtmlNode[] = [];
  const flushStray = (): void => {
    const blocks = blocksFrom(stray);
    stray = [];
    if (blocks.length > 0) items.push(blocks);
  };
  for (const child of el.children) {
    if (child.type === 'element' && child.name === 'li') {
      flushStray();
      items.push(blocksFrom(child.children));
    } else if (child.type === 'element' && (child.name === 'ul' || child.name === 'ol')) {
      // <ul><li>a</li><ul>…</ul></ul>: a nested list written as a sibling belongs to the item above.
      flushStray();
      const prev = items[items.length - 1];
      if (prev) prev.push(list(child));
      else items.push([list(child)]);
    } else if (child.type === 'text' && child.text.trim() === '') {
      continue;
    } else {
      stray.push(child);
    }
  }
  flushStray();
  const block: Block = { type: 'list', ordered, items };
  if (ordered && el.attrs.start !== undefined) {
    const start = Number.parseInt(el.attrs.start, 10);
    if (Number.isSafeInteger(start) && start >= 0 && start <= 999_999_999 && start !== 1) {
      block.start = start;
    }
  }
  return block;
}

function table(el: HtmlElement): Block[] {
  const out: Block[] = [];
  const rows: Inline[][] = [];
  const visit = (node: HtmlElement): void => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (child.name === 'caption') pushParagraph(out, inlinesFrom(child.children));
      else if (child.name === 'tr') rows.push(tableRow(child));
      else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot')
        visit(child);
    }
  };
  visit(el);
  const lines: Inline[] = [];
  for (const row of rows) {
    if (row.length === 0) continue;
    if (lines.length > 0) lines.push({ type: 'linebreak' });
    lines.push(...row);
  }
  pushParagraph(out, lines);
  return out;
}

function tableRow(tr: HtmlElement): Inline[] {
  const cells: Inline[][] = [];
  for (const cell of tr.children) {
    if (cell.type !== 'element' || (cell.name !== 'td' && cell.name !== 'th')) continue;
    const content = finishInlines(inlinesFrom(cell.children).map(breakToSpace));
    cells.push(
      cell.name === 'th' && content.length > 0 ? [{ type: 'bold', children: content }] : content,
    );
  }
  return cells.flatMap((c, i): Inline[] => (i === 0 ? c : [{ type: 'text', text: ' | ' }, ...c]));
}

const breakToSpace = (n: Inline): Inline =>
  n.type === 'linebreak' ? { type: 'text', text: ' ' } : n;

// ---------------------------------------------------------------------------------------
// HTML → inlines

function inlinesFrom(children: readonly HtmlNode[]): Inline[] {
  const out: Inline[] = [];
  for (const child of children) {
    if (child.type === 'text') out.push({ type: 'text', text: collapseWhitespace(child.text) });
    else out.push(...inlinesFromElement(child));
  }
  return out;
}

function inlinesFromElement(el: HtmlElement): Inline[] {
  switch (el.name) {
    case 'b':
    case 'strong':
      return [{ type: 'bold', children: inlinesFrom(el.children) }];
    case 'i':
    case 'em':
      return [{ type: 'italic', children: inlinesFrom(el.children) }];
    case 's':
    case 'del':
    case 'strike':
      return [{ type: 'strike', children: inlinesFrom(el.children) }];
    case 'u':
      return [{ type: 'underline', children: inlinesFrom(el.children) }];
    case 'code':
      return [{ type: 'code', text: textContent(el).replace(/\n/g, ' ') }];
    case 'pre':
      return [
        {
          type: 'code',
          text: textContent(el)
            .replace(/^\n|\n$/g, '')
            .replace(/\n/g, ' '),
        },
      ];
    case 'br':
      return [{ type: 'linebreak' }];
    case 'a':
      return anchor(el);
    case 'img': {
      const alt = el.attrs.alt ?? el.attrs.title ?? '';
      return alt === '' ? [] : [{ type: 'text', text: alt }];
    }
    case 'mx-reply':
      return [];
    case 'hr':
      return [{ type: 'text', text: ' ' }];
    default:
      if (BLOCK_TAGS.has(el.name)) {
        // A block inside inline content (e.g. <b><p>x</p></b>): keep the words apart.
        return [
          { type: 'text', text: ' ' },
          ...inlinesFrom(el.children),
          { type: 'text', text: ' ' },
        ];
      }
      // span, font, sup, sub, unknown: transparent.
      return inlinesFrom(el.children);
  }
}

const MATRIX_TO_PREFIX = 'https://matrix.to/#/';

/** `https://matrix.to/#/@user:server` → `@user:server`; anything else → undefined. */
export function matrixToUserId(href: string): string | undefined {
  if (!href.startsWith(MATRIX_TO_PREFIX)) return undefined;
  let id = href.slice(MATRIX_TO_PREFIX.length);
  const q = id.indexOf('?');
  if (q >= 0) id = id.slice(0, q);
  try {
    id = decodeURIComponent(id);
  } catch {
    return undefined;
  }
  return /^@[^:\s/]+:[^\s/]+$/.test(id) ? id : undefined;
}

function anchor(el: HtmlElement): Inline[] {
  const children = inlinesFrom(el.children);
  const href = el.attrs.href;
  if (!href) return children;
  const userId = matrixToUserId(href);
  if (userId !== undefined) {
    // A pill's text is a display name chosen by its author: cleaned like any other name.
    const text = sanitizeDisplayName(textContent(el));
    return [
      { type: 'mention', target: { kind: 'matrix', userId }, text: text === '' ? userId : text },
    ];
  }
  return [{ type: 'link', href, children }];
}

// ---------------------------------------------------------------------------------------
// Whitespace handling (HTML semantics: runs collapse, edges of lines are trimmed)

type Leaf = { kind: 'text'; node: { text: string } } | { kind: 'break' } | { kind: 'atom' };

function collectLeaves(inlines: readonly Inline[], out: Leaf[]): void {
  for (const node of inlines) {
    if (node.type === 'text') out.push({ kind: 'text', node });
    else if (node.type === 'linebreak') out.push({ kind: 'break' });
    else if ('children' in node) collectLeaves(node.children, out);
    else out.push({ kind: 'atom' });
  }
}

/** Trims collapsible spaces at line edges, then normalises. Mutates the (fresh) text nodes. */
function finishInlines(inlines: Inline[]): Inline[] {
  const leaves: Leaf[] = [];
  collectLeaves(inlines, leaves);
  let afterSpace = true;
  for (const leaf of leaves) {
    if (leaf.kind === 'break') afterSpace = true;
    else if (leaf.kind === 'atom') afterSpace = false;
    else {
      if (afterSpace) leaf.node.text = leaf.node.text.replace(/^ +/, '');
      if (leaf.node.text !== '') afterSpace = leaf.node.text.endsWith(' ');
    }
  }
  let beforeBreak = true;
  for (let i = leaves.length - 1; i >= 0; i -= 1) {
    const leaf = leaves[i]!;
    if (leaf.kind === 'break') beforeBreak = true;
    else if (leaf.kind === 'atom') beforeBreak = false;
    else {
      if (beforeBreak) leaf.node.text = leaf.node.text.replace(/ +$/, '');
      if (leaf.node.text !== '') beforeBreak = false;
    }
  }
  const out = normalizeInlines(detectRoomMentions(normalizeInlines(inlines)));
  while (out[0]?.type === 'linebreak') out.shift();
  while (out[out.length - 1]?.type === 'linebreak') out.pop();
  return out;
}
