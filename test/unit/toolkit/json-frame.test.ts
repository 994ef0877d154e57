/** Stream frames: only JSON objects pass; everything else a broken or hostile server sends is skipped. */
import { describe, expect, it } from 'vitest';
import { parseJsonObject } from '../../../src/connector/json-frame.js';

describe('parseJsonObject', () => {
  it('reads a JSON object', () => {
    expect(parseJsonObject('{"type":"hello","n":1}')).toEqual({ type: 'hello', n: 1 });
  });

  it.each([
    ['null', 'null'],
    ['a number', '5'],
    ['a string', '"hello"'],
    ['true', 'true'],
    ['an array', '[{"type":"hello"}]'],
    ['broken JSON', '{"type":'],
    ['empty text', ''],
    ['whitespace', '  '],
    ['not text: a number', 5],
    ['not text: undefined', undefined],
    ['not text: an object', { type: 'hello' }],
    ['not text: a buffer', Buffer.from('{}')],
  ])('gives undefined for %s', (_name, frame) => {
    expect(parseJsonObject(frame)).toBeUndefined();
  });
});
