/** Small helpers over the common Inline/Block model shared by every converter. */
import type { Block, Inline } from '../model/message.js';

type ContainerInline = Extract<Inline, { children: Inline[] }>;

export function hasChildren(node: Inline): node is ContainerInline {
  return 'children' in node;
}

type FormattingInline = Extract<Inline, { type: 'bold' | 'italic' | 'strike' | 'underline' }>;

const isMergeable = (node: Inline): node is FormattingInline =>
  node.type === 'bold' ||
  node.type === 'italic' ||
  node.type === 'strike' ||
  node.type === 'underline';

/**
 * Merges adjacent text nodes and adjacent same-type formatting (`<b>a</b><b>b</b>` means
 * `<b>ab</b>`, and Markdown cannot express the split form), drops empty text nodes and
 * formatting nodes left without children (a link without children keeps its href as text).
 * Returns new arrays and nodes; the input is not modified.
 */
export function normalizeInlines(inlines: readonly Inline[]): Inline[] {
  const out: Inline[] = [];
  // Formatting nodes created here that absorbed a neighbour; their children are re-normalised once.
  const merged = new Set<FormattingInline>();
  for (const node of inlines) {
    let next: Inline | undefined;
    if (node.type === 'text') {
      next = node.text === '' ? undefined : { type: 'text', text: node.text };
    } else if (node.type === 'link') {
      const children = normalizeInlines(node.children);
      next = {
        type: 'link',
        href: node.href,
        children: children.length > 0 ? children : [{ type: 'text', text: node.href }],
      };
    } else if (isMergeable(node)) {
      const children = normalizeInlines(node.children);
      next = children.length > 0 ? { type: node.type, children } : undefined;
    } else {
      next = node;
    }
    if (next === undefined) continue;
    const last = out[out.length - 1];
    if (next.type === 'text' && last?.type === 'text') {
      last.text += next.text;
    } else if (
      last !== undefined &&
      isMergeable(last) &&
      isMergeable(next) &&
      last.type === next.type
    ) {
      last.children.push(...next.children);
      merged.add(last);
    } else {
      out.push(next);
    }
  }
  for (const node of merged) node.children = normalizeInlines(node.children);
  return out;
}

// `@room` as a word: not part of an e-mail, a longer word, or a user ID like @room:server.
const ROOM_MENTION_RE = /(?<![\p{L}\p{N}_@.:/+-])@room(?![\p{L}\p{N}_-]|:[^\s])/gu;

/** Splits a text run into text and `room_mention` nodes for each `@room`. */
export function splitRoomMentions(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(ROOM_MENTION_RE)) {
    const at = m.index;
    if (at > last) out.push({ type: 'text', text: text.slice(last, at) });
    out.push({ type: 'room_mention' });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
}

/** Applies `splitRoomMentions` to every text node outside links and code. */
export function detectRoomMentions(inlines: readonly Inline[]): Inline[] {
  return inlines.flatMap((node): Inline[] => {
    if (node.type === 'text') return splitRoomMentions(node.text);
    if (node.type === 'link' || !hasChildren(node)) return [node];
    return [{ type: node.type, children: detectRoomMentions(node.children) }];
  });
}

/** Visits every inline node of a block list (depth-first, document order). */
export function forEachInline(blocks: readonly Block[], visit: (node: Inline) => void): void {
  const walkInlines = (inlines: readonly Inline[]): void => {
    for (const node of inlines) {
      visit(node);
      if (hasChildren(node)) walkInlines(node.children);
    }
  };
  for (const block of blocks) {
    switch (block.type) {
      case 'paragraph':
      case 'heading':
        walkInlines(block.children);
        break;
      case 'quote':
        forEachInline(block.children, visit);
        break;
      case 'list':
        for (const item of block.items) forEachInline(item, visit);
        break;
      case 'code_block':
      case 'rule':
        break;
    }
  }
}

/** Splits text on newlines into text and linebreak nodes. */
export function textWithBreaks(text: string): Inline[] {
  return text
    .split('\n')
    .flatMap((line, i): Inline[] =>
      i === 0
        ? [{ type: 'text', text: line }]
        : [{ type: 'linebreak' }, { type: 'text', text: line }],
    );
}
