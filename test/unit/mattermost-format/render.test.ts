import { describe, expect, it } from 'vitest';
import { comparedWith } from '../../harness/complexity.js';
import type { Block, FormattedText, Inline, MentionTarget } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';
import {
  parseMattermostMarkdown,
  renderMattermostMarkdown,
} from '../../../connectors/mattermost/format/index.js';

const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });
const t = (text: string): Inline => ({ type: 'text', text });
const doc = (...blocks: Block[]): FormattedText => ({ blocks });
const alice: MentionTarget = { kind: 'matrix', userId: '@alice:example.org' };
const opts = { usernameFor: (x: MentionTarget) => (x.kind === 'remote' ? x.userId : undefined) };
const render = (text: FormattedText) => renderMattermostMarkdown(text, opts);
/** What Mattermost would show: parse the output back with the Mattermost parser. */
const reparse = (md: string) =>
  parseMattermostMarkdown(md, { resolveUser: () => undefined, emoji: false }).blocks;

describe('renderMattermostMarkdown: escaping', () => {
  const literal = [
    '*not bold*',
    '**not bold**',
    '_not italic_',
    '~~not struck~~',
    '`not code`',
    '[not](a link)',
    '# not a heading',
    '> not a quote',
    '- not a list',
    '+ not a list',
    '* not a list',
    '1. not a list',
    '2) not a list',
    '---',
    '***',
    '===',
    '| a | b |',
    '\\* backslash star',
    'trailing backslash \\',
    '&amp; entity',
    '```',
    '<b>not html</b>',
  ];
  for (const s of literal) {
    it(`keeps ${JSON.stringify(s)} literal`, () => {
      expect(reparse(render(plainText(s)))).toEqual([para(t(s))]);
    });
  }

  it('keeps ordinary text readable', () => {
    expect(
      render(
        plainText('snake_case_name, 2 * 3 = 6, a-b, #hashtag, 50% off, 3.5, C# & F#, :smile:'),
      ),
    ).toBe('snake_case_name, 2 * 3 = 6, a-b, #hashtag, 50% off, 3.5, C# & F#, :smile:');
  });

  it('escapes typed *emphasis* minimally', () => {
    expect(render(plainText('*not bold*'))).toBe('\\*not bold\\*');
    expect(render(plainText('_x_'))).toBe('\\_x\\_');
  });

  it('leaves URLs in text intact', () => {
    expect(render(plainText('see https://example.com/a_b_c/*/d now'))).toBe(
      'see https://example.com/a_b_c/*/d now',
    );
    expect(reparse(render(plainText('see https://example.com/a_b_c/*/d now')))).toEqual([
      para(
        t('see '),
        {
          type: 'link',
          href: 'https://example.com/a_b_c/*/d',
          children: [t('https://example.com/a_b_c/*/d')],
        },
        t(' now'),
      ),
    ]);
  });

  it('keeps <url> from becoming an autolink (the URL itself is still linked)', () => {
    const out = render(plainText('<https://example.com>'));
    expect(out).toBe('\\<https://example.com>');
    expect(reparse(out)).toEqual([
      para(
        t('<'),
        { type: 'link', href: 'https://example.com', children: [t('https://example.com')] },
        t('>'),
      ),
    ]);
  });

  it('escapes line-start markup after line breaks', () => {
    expect(render(plainText('a\n# b\n1. c\n- d'))).toBe('a\n\\# b\n1\\. c\n\\- d');
  });

  it('neutralises literal channel-wide mentions', () => {
    const out = render(plainText('hey @channel and @here'));
    expect(out).toBe('hey @\u200Bchannel and @\u200Bhere');
    expect(reparse(out)).toEqual([para(t('hey @\u200Bchannel and @\u200Bhere'))]);
  });
});

describe('renderMattermostMarkdown: formatting', () => {
  it('renders inline formatting', () => {
    expect(
      render(
        doc(
          para(
            { type: 'bold', children: [t('b')] },
            t(' '),
            { type: 'italic', children: [t('i')] },
            t(' '),
            { type: 'strike', children: [t('s')] },
            t(' '),
            { type: 'underline', children: [t('u')] },
            t(' '),
            { type: 'code', text: 'a`b' },
            { type: 'linebreak' },
            t('next'),
          ),
        ),
      ),
    ).toBe('**b** _i_ ~~s~~ u ``a`b``\nnext');
  });

  it('uses * for intraword italics and keeps edge spaces outside delimiters', () => {
    expect(render(doc(para(t('un'), { type: 'italic', children: [t('believ')] }, t('able'))))).toBe(
      'un*believ*able',
    );
    expect(render(doc(para(t('a'), { type: 'bold', children: [t(' b ')] }, t('c'))))).toBe(
      'a **b** c',
    );
  });

  it('pads code spans that start or end with a backtick', () => {
    expect(render(doc(para({ type: 'code', text: '`x`' })))).toBe('`` `x` ``');
    expect(reparse('`` `x` ``')).toEqual([para({ type: 'code', text: '`x`' })]);
  });

  it('renders links, bare URLs and e-mail', () => {
    expect(
      render(
        doc(
          para(
            { type: 'link', href: 'https://example.com/x', children: [t('the [site]')] },
            t(' '),
            { type: 'link', href: 'https://example.com/y', children: [t('https://example.com/y')] },
            t(' '),
            { type: 'link', href: 'mailto:a@b.co', children: [t('a@b.co')] },
            t(' '),
            { type: 'link', href: 'https://en.wikipedia.org/wiki/X_(y) z', children: [t('wiki')] },
            t(' '),
            { type: 'link', href: 'javascript:alert(1)', children: [t('bad')] },
          ),
        ),
      ),
    ).toBe(
      '[the \\[site\\]](https://example.com/x) https://example.com/y <a@b.co> [wiki](https://en.wikipedia.org/wiki/X_%28y%29%20z) bad',
    );
  });

  it('renders blocks', () => {
    expect(
      render(
        doc(
          { type: 'heading', level: 2, children: [t('Title')] },
          { type: 'code_block', language: 'ts', text: 'const a = "```";' },
          { type: 'quote', children: [para(t('q1')), para(t('q2'))] },
          {
            type: 'list',
            ordered: false,
            items: [
              [para(t('a'))],
              [para(t('b')), { type: 'list', ordered: true, start: 3, items: [[para(t('c'))]] }],
            ],
          },
          { type: 'list', ordered: false, items: [[para(t('second list'))]] },
          { type: 'rule' },
        ),
      ),
    ).toBe(
      '## Title\n\n````ts\nconst a = "```";\n````\n\n> q1\n>\n> q2\n\n- a\n- b\n\n  3. c\n\n* second list\n\n---',
    );
  });

  it('renders mentions as @username or as plain names', () => {
    const out = render(
      doc(
        para(
          {
            type: 'mention',
            target: { kind: 'remote', connector: 'mattermost', workspace: 'w', userId: 'bob' },
            text: 'Bob',
          },
          t(' '),
          { type: 'mention', target: alice, text: '@alice:example.org' },
          t(' '),
          { type: 'mention', target: alice, text: 'Alice *A*' },
          t(' '),
          { type: 'room_mention' },
        ),
      ),
    );
    expect(out).toBe('@bob alice:example.org Alice \\*A\\* @channel');
  });

  it('returns empty string for empty text', () => {
    expect(render({ blocks: [] })).toBe('');
  });
});

describe('renderMattermostMarkdown: robustness', () => {
  it('renders long whitespace runs in formatting quickly', () => {
    const inner = 'a' + ' '.repeat(200_000) + 'b';
    const out = render(doc(para({ type: 'bold', children: [t(inner)] })));
    expect(out.startsWith('**a ')).toBe(true);
    // Quadratic work on 200 000 spaces would be ~100 000 times the plain text's.
    const plain = 'a'.repeat(inner.length);
    const check = comparedWith(
      () => render(doc(para({ type: 'bold', children: [t(inner)] }))),
      () => render(doc(para({ type: 'bold', children: [t(plain)] }))),
    );
    expect(check, JSON.stringify(check)).toMatchObject({ ok: true });
  });

  it('keeps code spans with edge spaces intact', () => {
    const out = render(doc(para({ type: 'code', text: ' x ' })));
    expect(reparse(out)).toEqual([para({ type: 'code', text: ' x ' })]);
  });
});
