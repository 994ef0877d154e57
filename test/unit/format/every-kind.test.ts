/**
 * Every kind of the message model reaches Matrix: the tables below are keyed by kind, so a
 * new Inline or Block kind does not compile until it has a sample and an expected rendering
 * here (and the renderers' switches, which name every kind, render it).
 */
import { describe, expect, it } from 'vitest';
import type { Block, Inline } from '../../../src/model/message.js';
import { renderMatrix } from '../../../src/format/index.js';
import { toPlainText } from '../../../src/format/plain.js';

type ByKind<U extends { type: string }> = { [K in U['type']]: U & { type: K } };

const word = (text: string): Inline[] => [{ type: 'text', text }];

const inlines: ByKind<Inline> = {
  text: { type: 'text', text: 'plain words' },
  bold: { type: 'bold', children: word('heavy') },
  italic: { type: 'italic', children: word('leaning') },
  strike: { type: 'strike', children: word('gone') },
  underline: { type: 'underline', children: word('lined') },
  code: { type: 'code', text: 'x < y' },
  link: { type: 'link', href: 'https://example.org/a', children: word('a page') },
  mention: { type: 'mention', target: { kind: 'matrix', userId: '@ada:example.org' }, text: 'Ada' },
  room_mention: { type: 'room_mention' },
  linebreak: { type: 'linebreak' },
};

/** What each inline kind becomes in Matrix HTML (between two words, in one paragraph). */
const inlineHtml: Record<Inline['type'], string> = {
  text: 'plain words',
  bold: '<strong>heavy</strong>',
  italic: '<em>leaning</em>',
  strike: '<del>gone</del>',
  underline: '<u>lined</u>',
  code: '<code>x &lt; y</code>',
  link: '<a href="https://example.org/a">a page</a>',
  mention: '<a href="https://matrix.to/#/@ada:example.org">Ada</a>',
  room_mention: '@room',
  linebreak: '<br>',
};

const blocks: ByKind<Block> = {
  paragraph: { type: 'paragraph', children: word('para') },
  heading: { type: 'heading', level: 2, children: word('title') },
  code_block: { type: 'code_block', language: 'ts', text: 'let a = 1;' },
  quote: { type: 'quote', children: [{ type: 'paragraph', children: word('said') }] },
  list: { type: 'list', ordered: false, items: [[{ type: 'paragraph', children: word('one') }]] },
  rule: { type: 'rule' },
};

const blockHtml: Record<Block['type'], string> = {
  paragraph: '<p>para</p>',
  heading: '<h2>title</h2>',
  code_block: '<pre><code class="language-ts">let a = 1;\n</code></pre>',
  quote: '<blockquote><p>said</p></blockquote>',
  list: '<ul><li>one</li></ul>',
  rule: '<hr>',
};

describe('every kind of the message model', () => {
  it.each(Object.keys(inlines) as Inline['type'][])('renders the inline kind %s', (kind) => {
    const node = inlines[kind];
    const text = { blocks: [{ type: 'heading' as const, level: 1 as const, children: [node] }] };
    const rendered = renderMatrix(text);
    expect(rendered.formatted_body).toBe(`<h1>${inlineHtml[kind]}</h1>`);
    if (kind !== 'linebreak') expect(toPlainText(text).trim()).not.toBe('');
  });

  it.each(Object.keys(blocks) as Block['type'][])('renders the block kind %s', (kind) => {
    const text = { blocks: [blocks[kind], { type: 'rule' as const }] };
    expect(renderMatrix(text).formatted_body).toBe(`${blockHtml[kind]}<hr>`);
    if (kind !== 'rule') expect(toPlainText(text).trim()).not.toBe('');
  });
});
