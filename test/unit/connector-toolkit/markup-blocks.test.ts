/** Blocks a markup parser builds: finished inlines, lines, tables, heading levels, fallback text. */
import { describe, expect, it } from 'vitest';
import {
  headingLevel,
  type Inline,
  joinInlines,
  linesParagraph,
  plainParagraphs,
  tableParagraph,
  trimmedInlines,
} from '../../../src/connector/index.js';

const t = (text: string): Inline => ({ type: 'text', text });
const br: Inline = { type: 'linebreak' };

describe('trimmedInlines', () => {
  it('drops line breaks at both ends, keeps inner ones, merges text', () => {
    expect(trimmedInlines([br, br, t('a'), t('b'), br, t('c'), br])).toEqual([t('ab'), br, t('c')]);
  });

  it('leaves nothing of breaks and empty text alone', () => {
    expect(trimmedInlines([br, t(''), br])).toEqual([]);
  });

  it('does not change its input', () => {
    const input = [br, t('a')];
    trimmedInlines(input);
    expect(input).toEqual([br, t('a')]);
  });
});

describe('joinInlines', () => {
  it('puts a fresh separator between parts, none at the ends', () => {
    const sep = t('|');
    const out = joinInlines([[t('a')], [t('b')], [t('c')]], sep);
    expect(out).toEqual([t('a'), t('|'), t('b'), t('|'), t('c')]);
    expect(out.filter((n) => n === sep)).toEqual([]);
  });

  it('joins nothing to nothing', () => {
    expect(joinInlines([], br)).toEqual([]);
  });
});

describe('linesParagraph and tableParagraph', () => {
  it('lines become one paragraph with breaks', () => {
    expect(linesParagraph([[t('a')], [t('b')]])).toEqual({
      type: 'paragraph',
      children: [t('a'), br, t('b')],
    });
  });

  it('no paragraph when nothing is left', () => {
    expect(linesParagraph([[], [t('')]])).toBeUndefined();
    expect(tableParagraph([])).toBeUndefined();
  });

  it('a table is a line per row, cells joined by " | "', () => {
    const header = [[{ type: 'bold', children: [t('h1')] } as Inline], [t('h2')]];
    expect(tableParagraph([header, [[t('a')], [t('b')]]])).toEqual({
      type: 'paragraph',
      children: [{ type: 'bold', children: [t('h1')] }, t(' | h2'), br, t('a | b')],
    });
  });
});

describe('headingLevel', () => {
  it.each([
    [1, 1],
    ['3', 3],
    [6, 6],
    [7, 6],
    [99, 6],
    [0, 1],
    [-2, 1],
    ['h2', 1],
    [undefined, 1],
    [null, 1],
    [Number.NaN, 1],
    [Infinity, 6],
    [{}, 1],
  ])('%j → %i', (value, level) => {
    expect(headingLevel(value)).toBe(level);
  });
});

describe('plainParagraphs', () => {
  it('splits at blank lines and keeps single line breaks', () => {
    expect(plainParagraphs('a\nb\n\n\n c \n\n   \n\nd')).toEqual([
      { type: 'paragraph', children: [t('a'), br, t('b')] },
      { type: 'paragraph', children: [t(' c ')] },
      { type: 'paragraph', children: [t('d')] },
    ]);
  });

  it('gives nothing for blank text', () => {
    expect(plainParagraphs('')).toEqual([]);
    expect(plainParagraphs('\n\n  \n\n')).toEqual([]);
  });
});
