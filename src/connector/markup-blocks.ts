/**
 * Building blocks of the common model from a parsed platform markup: finished inline content,
 * lines as one paragraph, tables as text, heading levels, and the plain paragraphs a parser
 * falls back to when it cannot read a text.
 */
import { normalizeInlines, textWithBreaks } from '../format/inline.js';
import type { Block, Inline } from '../model/message.js';

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

/** A block's content: normalised, without line breaks at either end. */
export function trimmedInlines(inlines: readonly Inline[]): Inline[] {
  const out = normalizeInlines(inlines);
  while (out[0]?.type === 'linebreak') out.shift();
  while (out[out.length - 1]?.type === 'linebreak') out.pop();
  return out;
}

/** `parts` one after another, `separator` between each two. */
export function joinInlines(parts: readonly Inline[][], separator: Inline): Inline[] {
  return parts.flatMap((part, i): Inline[] => (i === 0 ? part : [{ ...separator }, ...part]));
}

/** Lines as one paragraph with line breaks; undefined when nothing is left of them. */
export function linesParagraph(lines: readonly Inline[][]): Block | undefined {
  const children = trimmedInlines(joinInlines([...lines], { type: 'linebreak' }));
  return children.length > 0 ? { type: 'paragraph', children } : undefined;
}

/**
 * A table as one paragraph, a line per row and its cells joined by ` | ` (Matrix clients and
 * other platforms do not all show tables).
 */
export function tableParagraph(rows: readonly Inline[][][]): Block | undefined {
  return linesParagraph(rows.map((cells) => joinInlines(cells, { type: 'text', text: ' | ' })));
}

/** A heading level from a parser's number: 1 to 6, 1 when it is no number. */
export function headingLevel(value: unknown): HeadingLevel {
  return Math.min(6, Math.max(1, Number(value) || 1)) as HeadingLevel;
}

/** A text as paragraphs at its blank lines, lines kept: what a parser that failed delivers. */
export function plainParagraphs(text: string): Block[] {
  return text
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => ({ type: 'paragraph', children: normalizeInlines(textWithBreaks(p)) }));
}
