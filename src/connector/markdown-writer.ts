/**
 * The walk every writer of a Markdown-like chat dialect (CommonMark flavours, mrkdwn-style
 * markup…) makes over the common model: blocks joined by a blank line, inlines
 * in order, emphasis wrapped in the dialect's delimiters, a line break inside a link label as a
 * space. What differs between dialects (escaping, code, links, mentions, block syntax) is the
 * dialect's, so each connector writes only what its platform does differently.
 */
import { normalizeInlines } from '../format/inline.js';
import type { Block, Inline } from '../model/message.js';
import { wrapDelimited } from './markup.js';

export type ListBlock = Extract<Block, { type: 'list' }>;
export type LinkInline = Extract<Inline, { type: 'link' }>;
export type MentionInline = Extract<Inline, { type: 'mention' }>;

/** How one dialect writes each construct; text arrives already written in the dialect. */
export interface MarkdownDialect {
  bold: string;
  strike: string;
  /** The italic delimiter, or a choice by the characters written before and after it. */
  italic: string | ((before: string, after: string) => string);
  /** Puts `inner` between delimiters (default: wrapDelimited). */
  wrap?: (inner: string, delimiter: string) => string;
  /** A text node, escaped where the dialect would read markup. */
  text(text: string, inLink: boolean): string;
  code(text: string): string;
  link(node: LinkInline, inLink: boolean, walk: MarkdownWalk): string;
  mention(node: MentionInline, inLink: boolean): string;
  roomMention(inLink: boolean): string;
  paragraph(inlines: string): string;
  heading(level: number, inlines: string): string;
  codeBlock(text: string, language: string | undefined): string;
  /** A quote around its blocks, already written and joined. */
  quote(inner: string): string;
  /** `alternate`: the block before was a list of the same kind, which this one must not join. */
  list(list: ListBlock, alternate: boolean, walk: MarkdownWalk): string;
  rule: string;
}

/** Writes the common model in one dialect; the dialect calls back for nested content. */
export interface MarkdownWalk {
  /** Blocks joined by blank lines, empty ones left out. */
  blocks(blocks: readonly Block[]): string;
  block(block: Block, alternate?: boolean): string;
  inlines(inlines: readonly Inline[], inLink: boolean): string;
}

/** A written inline, or an italic whose delimiter waits for its neighbours to be written. */
type Piece = { raw: string } | { italic: string };

export function markdownWalk(d: MarkdownDialect): MarkdownWalk {
  const wrap = d.wrap ?? wrapDelimited;
  const walk: MarkdownWalk = {
    blocks(blocks) {
      const parts: string[] = [];
      let prev: Block | undefined;
      let alternate = false;
      for (const block of blocks) {
        // Two lists of the same kind in a row would merge into one; every other one differs.
        if (block.type === 'list')
          alternate = prev?.type === 'list' && prev.ordered === block.ordered ? !alternate : false;
        const out = walk.block(block, alternate);
        prev = block;
        if (out !== '') parts.push(out);
      }
      return parts.join('\n\n');
    },
    block(block, alternate = false) {
      switch (block.type) {
        case 'paragraph':
          return d.paragraph(walk.inlines(block.children, false));
        case 'heading':
          return d.heading(block.level, walk.inlines(block.children, false));
        case 'code_block':
          return d.codeBlock(block.text, block.language);
        case 'quote':
          return d.quote(walk.blocks(block.children));
        case 'list':
          return d.list(block, alternate, walk);
        case 'rule':
          return d.rule;
      }
    },
    inlines(inlines, inLink) {
      const pieces = normalizeInlines(inlines).map((node) => piece(node, inLink));
      return joinPieces(pieces, d.italic, wrap);
    },
  };
  const piece = (node: Inline, inLink: boolean): Piece => {
    const inner = (): string => ('children' in node ? walk.inlines(node.children, inLink) : '');
    switch (node.type) {
      case 'text':
        return { raw: d.text(node.text, inLink) };
      case 'bold':
        return { raw: wrap(inner(), d.bold) };
      case 'italic':
        return { italic: inner() };
      case 'strike':
        return { raw: wrap(inner(), d.strike) };
      case 'underline':
        // No dialect here has underline: the text stays, unmarked.
        return { raw: inner() };
      case 'code':
        return { raw: d.code(node.text) };
      case 'link':
        return { raw: d.link(node, inLink, walk) };
      case 'mention':
        return { raw: d.mention(node, inLink) };
      case 'room_mention':
        return { raw: d.roomMention(inLink) };
      case 'linebreak':
        // A link label is one line.
        return { raw: inLink ? ' ' : '\n' };
    }
  };
  return walk;
}

function joinPieces(
  pieces: readonly Piece[],
  italic: MarkdownDialect['italic'],
  wrap: (inner: string, delimiter: string) => string,
): string {
  let out = '';
  for (let i = 0; i < pieces.length; i += 1) {
    const p = pieces[i]!;
    if ('raw' in p) {
      out += p.raw;
      continue;
    }
    if (typeof italic === 'string') {
      out += wrap(p.italic, italic);
      continue;
    }
    const next = pieces[i + 1];
    // An italic next to this one is written with a delimiter of its own; `_` stands for it.
    const after = next === undefined ? '' : 'raw' in next ? next.raw.charAt(0) : '_';
    out += wrap(p.italic, italic(out.charAt(out.length - 1), after));
  }
  return out;
}
