/**
 * Matrix HTML → common inlines: inline elements, pills (matrix.to links to users) as
 * mentions, and HTML whitespace semantics (runs collapse, edges of lines are trimmed).
 */
import type { Inline } from '../model/message.js';
import { sanitizeDisplayName } from './display-name.js';
import { textContent, type HtmlElement, type HtmlNode } from './html-tree.js';
import { detectRoomMentions, normalizeInlines } from './inline.js';

/** HTML elements that make blocks; met inside inline content they still separate words. */
export const BLOCK_TAGS = new Set([
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

export const collapseWhitespace = (s: string): string => s.replace(/[ \t\n\r\f]+/g, ' ');

// ---------------------------------------------------------------------------------------
// HTML → inlines

export function inlinesFrom(children: readonly HtmlNode[]): Inline[] {
  const out: Inline[] = [];
  for (const child of children) {
    if (child.type === 'text') out.push({ type: 'text', text: collapseWhitespace(child.text) });
    else out.push(...inlinesFromElement(child));
  }
  return out;
}

export function inlinesFromElement(el: HtmlElement): Inline[] {
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
export function finishInlines(inlines: Inline[]): Inline[] {
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
