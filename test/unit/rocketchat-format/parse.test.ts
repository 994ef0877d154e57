import { parse as messageParser } from '@rocket.chat/message-parser';
import type * as MessageParser from '@rocket.chat/message-parser';
import { describe, expect, it, vi } from 'vitest';
import type { MentionTarget } from '../../../src/model/message.js';
import {
  extractMentionNames,
  parseRocketMarkdown,
} from '../../../connectors/rocketchat/format/index.js';

// Watched, not changed: a test checks that pathological text never reaches it.
vi.mock('@rocket.chat/message-parser', async (original) => {
  const real = await original<typeof MessageParser>();
  return { ...real, parse: vi.fn(real.parse) };
});

const bob: MentionTarget = {
  kind: 'remote',
  connector: 'rocketchat',
  workspace: 'w',
  userId: 'B1',
};
const parse = (s: string) =>
  parseRocketMarkdown(s, {
    resolveUser: (u) => (u === 'bob' ? bob : undefined),
    userDisplayName: () => 'Bob Berg',
  }).blocks;

describe('Rocket.Chat markdown → FormattedText', () => {
  it('joins consecutive lines into one paragraph; a blank line starts the next', () => {
    expect(parse('one\ntwo\n\nthree')).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'one' },
          { type: 'linebreak' },
          { type: 'text', text: 'two' },
        ],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'three' }] },
    ]);
  });

  it('reads single-star bold, underscore italic and single-tilde strike as Rocket.Chat does', () => {
    expect(parse('*b* _i_ ~s~')).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'bold', children: [{ type: 'text', text: 'b' }] },
          { type: 'text', text: ' ' },
          { type: 'italic', children: [{ type: 'text', text: 'i' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 's' }] },
        ],
      },
    ]);
  });

  it('resolves known users, turns @all/@here into a room mention, keeps unknown names as text', () => {
    expect(parse('@bob, @here @nobody')).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'mention', target: bob, text: 'Bob Berg' },
          { type: 'text', text: ', ' },
          { type: 'room_mention' },
          { type: 'text', text: ' @nobody' },
        ],
      },
    ]);
    expect(parse('hi @all.')[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'hi ' },
        { type: 'room_mention' },
        { type: 'text', text: '.' },
      ],
    });
    expect(extractMentionNames('@bob and @all and `@code` and @bob')).toEqual(['bob']);
  });

  it('turns emoji shortcodes into unicode, keeps unknown ones, reads code, quotes, lists and tasks', () => {
    expect(parse(':smile: :company:')[0]).toEqual({
      type: 'paragraph',
      children: [{ type: 'text', text: '😄 :company:' }],
    });
    expect(parse('```\nx = 1\n```')).toEqual([{ type: 'code_block', text: 'x = 1' }]);
    expect(parse('> a\n> b')).toEqual([
      {
        type: 'quote',
        children: [
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'a' },
              { type: 'linebreak' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
    ]);
    expect(parse('- [x] done\n- [ ] open')).toEqual([
      {
        type: 'list',
        ordered: false,
        items: [
          [{ type: 'paragraph', children: [{ type: 'text', text: '☑ done' }] }],
          [{ type: 'paragraph', children: [{ type: 'text', text: '☐ open' }] }],
        ],
      },
    ]);
  });

  it('autolinks URLs and never crashes on odd input', () => {
    expect(parse('see https://example.org/x')[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'see ' },
        {
          type: 'link',
          href: 'https://example.org/x',
          children: [{ type: 'text', text: 'https://example.org/x' }],
        },
      ],
    });
    expect(parse('')).toEqual([]);
    // Runs of unmatched delimiters make the parser backtrack for seconds: read as plain text.
    // (Checked by whether the backtracking parser is handed the text, not by a stopwatch.)
    const nasty = '*'.repeat(5000) + '_'.repeat(5000) + '[('.repeat(1000);
    const parserCalls = vi.mocked(messageParser).mock.calls.length;
    expect(parse(nasty)).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: nasty }] },
    ]);
    expect(parse('[('.repeat(150) + ' *x*')[0]).toEqual({
      type: 'paragraph',
      children: [{ type: 'text', text: '[('.repeat(150) + ' *x*' }],
    });
    expect(vi.mocked(messageParser).mock.calls.length).toBe(parserCalls);
    parse('*fine*');
    expect(vi.mocked(messageParser).mock.calls.length).toBe(parserCalls + 1);
  });
});
