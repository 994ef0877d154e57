import { describe, expect, it } from 'vitest';
import { splitText } from '../../../src/format/index.js';

const maxLen = (chunks: string[]): number => Math.max(...chunks.map((c) => c.length));

describe('splitText', () => {
  it('returns short text unchanged, including at the exact limit', () => {
    expect(splitText('hello', 10)).toEqual(['hello']);
    expect(splitText('0123456789', 10)).toEqual(['0123456789']);
    expect(splitText('', 10)).toEqual([]);
  });

  it('splits one past the limit', () => {
    expect(splitText('0123456789a', 10)).toEqual(['0123456789', 'a']);
  });

  it('prefers paragraph breaks, then line breaks, then spaces', () => {
    expect(splitText('aaaa bbbb\ncccc\n\ndddd', 16)).toEqual(['aaaa bbbb\ncccc', 'dddd']);
    expect(splitText('aaaa bbbb\ncccc dddd', 16)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc dddd', 16)).toEqual(['aaaa bbbb cccc', 'dddd']);
  });

  it('hard-cuts words longer than the limit', () => {
    const chunks = splitText('x'.repeat(25), 10);
    expect(chunks).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a' + '😀'.repeat(10);
    for (const max of [2, 3, 4, 5, 7]) {
      const chunks = splitText(text, max);
      expect(chunks.join('')).toBe(text);
      expect(maxLen(chunks)).toBeLessThanOrEqual(max);
      for (const c of chunks) {
        expect(/^[\uDC00-\uDFFF]/.test(c)).toBe(false);
        expect(/[\uD800-\uDBFF]$/.test(c)).toBe(false);
      }
    }
  });

  it('closes and reopens code fences across a split', () => {
    const text = 'intro\n\n```ts\nline1\nline2\nline3\nline4\n```\n\nafter';
    const chunks = splitText(text, 25);
    expect(maxLen(chunks)).toBeLessThanOrEqual(25);
    for (const c of chunks) {
      const fences = c.split('\n').filter((l) => l.startsWith('```')).length;
      expect(fences % 2).toBe(0);
    }
    expect(chunks.join('\n')).toContain('line4');
    const code = chunks
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('line'));
    expect(code).toEqual(['line1', 'line2', 'line3', 'line4']);
    expect(chunks[1]!.startsWith('```ts\n')).toBe(true);
  });

  it('does not emit an empty code block when the cut falls before the closing fence', () => {
    // The real closing line (with trailing spaces) does not fit, the synthetic one does.
    const chunks = splitText('```\nabcdefghij\n```   \nz', 18);
    expect(chunks).toEqual(['```\nabcdefghij\n```', 'z']);
  });

  it('hard-cuts long code lines inside a fence without empty code blocks', () => {
    const chunks = splitText('```\n' + 'x'.repeat(30) + '\n```', 12);
    expect(maxLen(chunks)).toBeLessThanOrEqual(12);
    expect(chunks).not.toContain('```\n```');
    for (const c of chunks) expect(c).toMatch(/^```\nx+\n```$/);
    expect(chunks.join('').replace(/[^x]/g, '')).toHaveLength(30);
  });

  it('handles ~~~ fences and longer closing fences', () => {
    const chunks = splitText('~~~\naaaa\nbbbb\n~~~~\nafter', 14);
    expect(chunks).toEqual(['~~~\naaaa\n~~~', '~~~\nbbbb\n~~~~', 'after']);
  });

  it('keeps every chunk within the limit on mixed text', () => {
    const text = Array.from({ length: 200 }, (_, i) =>
      i % 17 === 0
        ? `\`\`\`\ncode line ${i}\n${'more code\n'.repeat(i % 20)}\`\`\``
        : `para ${i} ${'word '.repeat(i % 40)}😀`,
    ).join('\n\n');
    for (const max of [20, 64, 120, 500]) {
      const chunks = splitText(text, max);
      expect(maxLen(chunks)).toBeLessThanOrEqual(max);
      // No content is lost: every word survives somewhere.
      expect(
        chunks
          .join(' ')
          .split(/\s+/)
          .filter((w) => w === 'para').length,
      ).toBe(200 - 12);
    }
  });

  it('rejects a nonsensical limit', () => {
    expect(() => splitText('abc', 1)).toThrow(RangeError);
    expect(() => splitText('abc', Number.NaN)).toThrow(RangeError);
  });
});
