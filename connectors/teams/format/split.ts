/**
 * Splits a FormattedText into parts whose rendered size stays under a byte budget (Teams
 * refuses bot messages over 40 KB and Graph messages over about 28 KB). Whole blocks are
 * kept together where they fit; a block too large on its own is cut: lists by item, quotes
 * by child, code blocks by line, paragraphs as plain text at word boundaries.
 */
import {
  type Block,
  type FormattedText,
  plainText,
  splitText,
  toPlainText,
} from '../../../src/connector/index.js';

export type Measure = (text: FormattedText) => number;

function pieces(block: Block, measure: Measure, budget: number): Block[] {
  if (measure({ blocks: [block] }) <= budget) return [block];
  switch (block.type) {
    case 'list':
      if (block.items.length > 1) {
        return block.items.flatMap((item, i) =>
          pieces(
            { ...block, items: [item], start: block.ordered ? (block.start ?? 1) + i : undefined },
            measure,
            budget,
          ),
        );
      }
      return block.items[0]!.flatMap((b) => pieces(b, measure, budget));
    case 'quote':
      if (block.children.length > 1)
        return block.children.flatMap((b) =>
          pieces({ type: 'quote', children: [b] }, measure, budget),
        );
      return block.children.flatMap((b) => pieces(b, measure, budget));
    case 'code_block': {
      // Escaping can grow text up to ~6× (`&quot;`); cut by characters with that margin.
      const chunks = splitText(block.text, Math.max(64, Math.floor(budget / 6)));
      return chunks.map((text) => ({ ...block, text }));
    }
    default: {
      const text = toPlainText({ blocks: [block] });
      const chunks = splitText(text, Math.max(64, Math.floor(budget / 6)));
      return chunks.flatMap((c) => plainText(c).blocks);
    }
  }
}

/** Parts in order; each measures at most `budget` (a single over-long word may still be cut hard). */
export function splitFormatted(
  text: FormattedText,
  measure: Measure,
  budget: number,
): FormattedText[] {
  if (measure(text) <= budget) return [text];
  const parts: FormattedText[] = [];
  let current: Block[] = [];
  for (const block of text.blocks.flatMap((b) => pieces(b, measure, budget))) {
    const candidate = [...current, block];
    if (current.length > 0 && measure({ blocks: candidate }) > budget) {
      parts.push({ blocks: current });
      current = [block];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) parts.push({ blocks: current });
  return parts;
}
