/** Emphasis delimiters go around the text, never around its edge whitespace. */
import { describe, expect, it } from 'vitest';
import { wrapDelimited, wrapEachLine } from '../../../src/connector/markup.js';

describe('wrapDelimited', () => {
  it.each([
    ['bold', 'bold', '*bold*'],
    [' padded ', ' padded ', ' *padded* '],
    ['tabs and breaks', '\tx\n', '\t*x*\n'],
    ['whitespace only', '  ', '  '],
    ['empty', '', ''],
    ['inner spaces kept', 'a  b', '*a  b*'],
  ])('%s', (_name, inner, expected) => {
    expect(wrapDelimited(inner, '*')).toBe(expected);
  });

  it('uses the delimiter as given (several characters)', () => {
    expect(wrapDelimited(' x ', '~~')).toBe(' ~~x~~ ');
  });
});

describe('wrapEachLine', () => {
  it('wraps every line on its own and leaves blank lines alone', () => {
    expect(wrapEachLine('one\n\n two \nthree', '_')).toBe('_one_\n\n _two_ \n_three_');
  });
});
