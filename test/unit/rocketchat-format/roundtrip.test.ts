import { describe, expect, it } from 'vitest';
import type { FormattedText, Inline, MentionTarget } from '../../../src/model/message.js';
import {
  parseRocketMarkdown,
  renderRocketMarkdown,
} from '../../../connectors/rocketchat/format/index.js';

const alice: MentionTarget = {
  kind: 'remote',
  connector: 'rocketchat',
  workspace: 'main',
  userId: 'A1',
};
const render = (t: FormattedText) =>
  renderRocketMarkdown(t, {
    usernameFor: (x) => (x.kind === 'remote' && x.userId === 'A1' ? 'alice' : undefined),
  });
const parse = (s: string) =>
  parseRocketMarkdown(s, {
    resolveUser: (u) => (u === 'alice' ? alice : undefined),
    userDisplayName: (u) => (u === 'alice' ? 'Alice' : undefined),
  });
const p = (...children: Inline[]): FormattedText => ({ blocks: [{ type: 'paragraph', children }] });
const t = (text: string): Inline => ({ type: 'text', text });

// Rendering then parsing with Rocket.Chat's own parser must give back the same tree.
const cases: Array<[string, FormattedText]> = [
  ['plain text', p(t('hello world'))],
  [
    'bold, italic, strike, code',
    p(
      t('a '),
      { type: 'bold', children: [t('b')] },
      t(' '),
      { type: 'italic', children: [t('i')] },
      t(' '),
      { type: 'strike', children: [t('s')] },
      t(' '),
      { type: 'code', text: 'x*y' },
    ),
  ],
  [
    'nested emphasis',
    p({ type: 'bold', children: [t('bold '), { type: 'italic', children: [t('and italic')] }] }),
  ],
  ['literal markup characters stay literal', p(t('2*3*4 and _x_ and ~y~ and `z` and snake_case'))],
  [
    'link with a label',
    p(t('see '), { type: 'link', href: 'https://example.org/a_b', children: [t('the docs')] }),
  ],
  [
    'bare URL',
    p({
      type: 'link',
      href: 'https://example.org/x_y_z',
      children: [t('https://example.org/x_y_z')],
    }),
  ],
  [
    'mentions',
    p(t('hi '), { type: 'mention', target: alice, text: 'Alice' }, t(' and '), {
      type: 'room_mention',
    }),
  ],
  ['line breaks', p(t('one'), { type: 'linebreak' }, t('two'))],
  [
    'two paragraphs',
    {
      blocks: [
        { type: 'paragraph', children: [t('first')] },
        { type: 'paragraph', children: [t('second')] },
      ],
    },
  ],
  [
    'code block',
    { blocks: [{ type: 'code_block', language: 'js', text: 'const a = 1;\n\nb *= 2' }] },
  ],
  [
    'quote',
    {
      blocks: [
        {
          type: 'quote',
          children: [
            {
              type: 'paragraph',
              children: [t('quoted '), { type: 'bold', children: [t('text')] }],
            },
          ],
        },
      ],
    },
  ],
  [
    'lists',
    {
      blocks: [
        {
          type: 'list',
          ordered: false,
          items: [
            [{ type: 'paragraph', children: [t('a')] }],
            [{ type: 'paragraph', children: [t('b')] }],
          ],
        },
        {
          type: 'list',
          ordered: true,
          start: 3,
          items: [[{ type: 'paragraph', children: [t('c')] }]],
        },
      ],
    },
  ],
  ['heading', { blocks: [{ type: 'heading', level: 2, children: [t('Title')] }] }],
  [
    'text that looks like block syntax',
    {
      blocks: [
        {
          type: 'paragraph',
          children: [
            t('# not a heading'),
            { type: 'linebreak' },
            t('> not a quote'),
            { type: 'linebreak' },
            t('- not a list'),
            { type: 'linebreak' },
            t('1. not ordered'),
          ],
        },
      ],
    },
  ],
];

describe('Rocket.Chat markdown round trip through @rocket.chat/message-parser', () => {
  for (const [name, tree] of cases) {
    it(name, () => {
      const md = render(tree);
      const back = parse(md);
      // Defused characters (ZWSP) are the only difference allowed.
      const strip = (x: unknown) => JSON.parse(JSON.stringify(x).replace(/\u200B/g, '')) as unknown;
      expect(strip(back), md).toEqual(strip(tree));
    });
  }

  it('multi-line emphasis is wrapped per line', () => {
    const md = render(p({ type: 'bold', children: [t('one'), { type: 'linebreak' }, t('two')] }));
    expect(md).toBe('*one*\n*two*');
  });

  it('literal @mentions from elsewhere do not notify', () => {
    const md = render(p(t('mail @all and @alice')));
    expect(parse(md).blocks).toEqual([
      { type: 'paragraph', children: [t('mail @\u200Ball and @\u200Balice')] },
    ]);
  });
});
