import { describe, expect, it } from 'vitest';
import {
  parseRichText,
  renderRichText,
  richTextBlocks,
} from '../../../connectors/slack/format/index.js';
import type { FormattedText } from '../../../src/model/message.js';
import { doc, para, resolver, target, text, userFor } from './helpers.js';

const parse = (elements: unknown[]) =>
  parseRichText(richTextBlocks([{ type: 'rich_text', block_id: 'b', elements }]), resolver).blocks;

describe('rich_text → AST', () => {
  it('reads styled text, links, mentions, broadcasts and emoji', () => {
    expect(
      parse([
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'Hi ' },
            { type: 'user', user_id: 'U0ALICE' },
            { type: 'text', text: ' see ', style: { bold: true } },
            { type: 'link', url: 'https://example.org', text: 'docs', style: { italic: true } },
            { type: 'text', text: ' ' },
            { type: 'text', text: 'x()', style: { code: true, bold: true } },
            { type: 'text', text: ' ' },
            { type: 'broadcast', range: 'here' },
            { type: 'emoji', name: 'thumbsup', unicode: '1f44d' },
            { type: 'emoji', name: 'wave', skin_tone: 4 },
            { type: 'emoji', name: 'partyparrot' },
            { type: 'channel', channel_id: 'C0GENERAL' },
            { type: 'link', url: 'javascript:alert(1)', text: 'bad' },
            { type: 'text', text: 'gone', style: { strike: true } },
          ],
        },
      ]),
    ).toEqual([
      para(
        text('Hi '),
        { type: 'mention', target: target('U0ALICE'), text: 'Alice' },
        { type: 'bold', children: [text(' see ')] },
        {
          type: 'italic',
          children: [{ type: 'link', href: 'https://example.org', children: [text('docs')] }],
        },
        text(' '),
        { type: 'bold', children: [{ type: 'code', text: 'x()' }] },
        text(' '),
        { type: 'room_mention' },
        text('👍👋🏽:partyparrot:#generalbad'),
        { type: 'strike', children: [text('gone')] },
      ),
    ]);
  });

  it('reads paragraphs, quotes, code and nested lists', () => {
    expect(
      parse([
        { type: 'rich_text_section', elements: [{ type: 'text', text: 'one\ntwo\n\nthree\n' }] },
        {
          type: 'rich_text_list',
          style: 'bullet',
          indent: 0,
          elements: [
            { type: 'rich_text_section', elements: [{ type: 'text', text: 'a' }] },
            { type: 'rich_text_section', elements: [{ type: 'text', text: 'b' }] },
          ],
        },
        {
          type: 'rich_text_list',
          style: 'ordered',
          indent: 1,
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'b1' }] }],
        },
        {
          type: 'rich_text_list',
          style: 'bullet',
          indent: 0,
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'c' }] }],
        },
        { type: 'rich_text_quote', elements: [{ type: 'text', text: 'wise' }] },
        { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'code <b>\n' }] },
        {
          type: 'rich_text_list',
          style: 'ordered',
          offset: 4,
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'fifth' }] }],
        },
      ]),
    ).toEqual([
      para(text('one'), { type: 'linebreak' }, text('two')),
      para(text('three')),
      {
        type: 'list',
        ordered: false,
        items: [
          [para(text('a'))],
          [para(text('b')), { type: 'list', ordered: true, items: [[para(text('b1'))]] }],
          [para(text('c'))],
        ],
      },
      { type: 'quote', children: [para(text('wise'))] },
      { type: 'code_block', text: 'code <b>' },
      { type: 'list', ordered: true, start: 5, items: [[para(text('fifth'))]] },
    ]);
  });

  it('survives malformed elements', () => {
    expect(
      parse([
        null,
        { type: 'rich_text_section', elements: 'nope' },
        {
          type: 'rich_text_section',
          elements: [{ type: 'text', text: 5 }, { type: 'mystery' }, 7],
        },
        {
          type: 'rich_text_list',
          indent: 'x',
          elements: [{ elements: [{ type: 'text', text: 'ok' }] }],
        },
      ]),
    ).toEqual([{ type: 'list', ordered: false, items: [[para(text('ok'))]] }]);
    expect(richTextBlocks([{ type: 'section' }, 'x', { type: 'rich_text' }])).toEqual([]);
  });
});

describe('AST → rich_text', () => {
  it('writes styles, links, mentions and broadcasts as elements', () => {
    const block = renderRichText(
      doc(
        para(
          { type: 'bold', children: [text('b '), { type: 'italic', children: [text('bi')] }] },
          text(' <!channel> '),
          { type: 'link', href: 'https://x.org', children: [text('x')] },
          { type: 'mention', target: target('U0BOB'), text: 'Bob' },
          { type: 'mention', target: { kind: 'matrix', userId: '@m:x' }, text: 'Maria' },
          { type: 'room_mention' },
          { type: 'code', text: 'c' },
        ),
      ),
      userFor,
    );
    expect(block).toEqual({
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'b ', style: { bold: true } },
            { type: 'text', text: 'bi', style: { bold: true, italic: true } },
            { type: 'text', text: ' <!channel> ' },
            { type: 'link', url: 'https://x.org', text: 'x' },
            { type: 'user', user_id: 'U0BOB' },
            { type: 'text', text: 'Maria' },
            { type: 'broadcast', range: 'channel' },
            { type: 'text', text: 'c', style: { code: true } },
          ],
        },
      ],
    });
  });

  it('round-trips block structure through the parser', () => {
    const original: FormattedText = doc(
      para(text('first'), { type: 'linebreak' }, text('line')),
      para(text('second')),
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          [para(text('three'))],
          [para(text('four')), { type: 'list', ordered: false, items: [[para(text('deep'))]] }],
          [para(text('five'))],
        ],
      },
      { type: 'quote', children: [para(text('q'))] },
      { type: 'code_block', text: 'let x = 1;' },
    );
    const block = renderRichText(original, userFor);
    const lists = block.elements.filter((e) => e.type === 'rich_text_list');
    expect(lists.map((l) => [l.indent, l.style, l.offset])).toEqual([
      [0, 'ordered', 2],
      [1, 'bullet', undefined],
      [0, 'ordered', 4],
    ]);
    expect(parseRichText([block], resolver).blocks).toEqual(original.blocks);
  });
});
