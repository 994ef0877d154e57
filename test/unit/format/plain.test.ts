import { describe, expect, it } from 'vitest';
import type { Block, Inline } from '../../../src/model/message.js';
import { toPlainText } from '../../../src/format/index.js';

const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });

describe('toPlainText', () => {
  it('writes readable text without emphasis markers', () => {
    expect(
      toPlainText({
        blocks: [
          para(
            { type: 'bold', children: [{ type: 'text', text: 'bold' }] },
            { type: 'text', text: ' ' },
            { type: 'italic', children: [{ type: 'text', text: 'it' }] },
            { type: 'text', text: ' ' },
            {
              type: 'link',
              href: 'https://x.org',
              children: [{ type: 'text', text: 'https://x.org' }],
            },
            { type: 'text', text: ' ' },
            { type: 'link', href: 'mailto:a@b.c', children: [{ type: 'text', text: 'a@b.c' }] },
          ),
        ],
      }),
    ).toBe('bold it https://x.org a@b.c');
  });

  it('uses mentionName, falling back to the mention text', () => {
    const blocks = [
      para(
        { type: 'mention', target: { kind: 'matrix', userId: '@a:x' }, text: 'a' },
        { type: 'text', text: ', ' },
        { type: 'mention', target: { kind: 'matrix', userId: '@b:x' }, text: 'b' },
      ),
    ];
    expect(
      toPlainText({ blocks }, (t) =>
        t.kind === 'matrix' && t.userId === '@a:x' ? 'Alice' : undefined,
      ),
    ).toBe('Alice, b');
  });

  it('writes nested lists, quotes and code fences', () => {
    const text = toPlainText({
      blocks: [
        {
          type: 'list',
          ordered: true,
          items: [
            [
              para({ type: 'text', text: 'one' }),
              { type: 'list', ordered: false, items: [[para({ type: 'text', text: 'sub' })]] },
            ],
            [
              para(
                { type: 'text', text: 'two' },
                { type: 'linebreak' },
                { type: 'text', text: 'more' },
              ),
            ],
          ],
        },
        {
          type: 'quote',
          children: [
            para({ type: 'text', text: 'a' }),
            { type: 'quote', children: [para({ type: 'text', text: 'b' })] },
          ],
        },
        { type: 'code_block', text: 'has ``` inside' },
      ],
    });
    expect(text).toBe(
      '1. one\n   - sub\n2. two\n   more\n\n> a\n>\n> > b\n\n````\nhas ``` inside\n````',
    );
  });

  it('returns empty string for empty text', () => {
    expect(toPlainText({ blocks: [] })).toBe('');
  });
});
