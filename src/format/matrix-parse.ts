/**
 * Matrix `m.room.message` content → common FormattedText.
 * HTML bodies are sanitised first, then walked; plain bodies are split into paragraphs.
 * Never throws: malformed content yields an empty or best-effort text.
 */
import type { Block, FormattedText, Inline } from '../model/message.js';
import { revealDisguisedLinks } from './disguised-links.js';
import { parseHtmlTree, textContent, type HtmlElement, type HtmlNode } from './html-tree.js';
import { detectRoomMentions, normalizeInlines, textWithBreaks } from './inline.js';
import {
  BLOCK_TAGS,
  collapseWhitespace,
  finishInlines,
  inlinesFrom,
  inlinesFromElement,
} from './matrix-html-inlines.js';
import { sanitizeMatrixHtml, truncateUtf16, MAX_HTML_LENGTH } from './sanitize.js';

export { matrixToUserId } from './matrix-html-inlines.js';

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
