import { describe, expect, it } from 'vitest';
import { parseMrkdwn, renderMrkdwn } from '../../../connectors/slack/format/index.js';
import { doc, para, resolver, target, text, userFor } from './helpers.js';

const parse = (s: string) => parseMrkdwn(s, resolver).blocks;
const render = (d: ReturnType<typeof doc>) => renderMrkdwn(d, userFor);

describe('mrkdwn → AST', () => {
  it('reads bold, italic, strike and code at word boundaries only', () => {
    expect(parse('a *b* _c_ ~d~ `e*f*`')).toEqual([
      para(
        text('a '),
        { type: 'bold', children: [text('b')] },
        text(' '),
        { type: 'italic', children: [text('c')] },
        text(' '),
        { type: 'strike', children: [text('d')] },
        text(' '),
        { type: 'code', text: 'e*f*' },
      ),
    ]);
    expect(parse('2*3*4 snake_case_name * not bold *')).toEqual([
      para(text('2*3*4 snake_case_name * not bold *')),
    ]);
    expect(parse('*bold _and italic_*')).toEqual([
      para({
        type: 'bold',
        children: [text('bold '), { type: 'italic', children: [text('and italic')] }],
      }),
    ]);
  });

  it('decodes entities and never reads them as markup', () => {
    expect(parse('a &lt;@U0ALICE&gt; &amp;amp; &lt;!channel&gt;')).toEqual([
      para(text('a <@U0ALICE> &amp; <!channel>')),
    ]);
  });

  it('turns control sequences into mentions, links and @room', () => {
    expect(
      parse(
        'hi <@U0ALICE>, <@U0NOBODY> and <@U0BOB|bobby> in <#C0GENERAL> <#C0X|ops> <!here> <!channel> <!everyone>',
      ),
    ).toEqual([
      para(
        text('hi '),
        { type: 'mention', target: target('U0ALICE'), text: 'Alice' },
        text(', @U0NOBODY and '),
        { type: 'mention', target: target('U0BOB'), text: 'bobby' },
        text(' in #general #ops '),
        { type: 'room_mention' },
        text(' '),
        { type: 'room_mention' },
        text(' '),
        { type: 'room_mention' },
      ),
    ]);
    expect(
      parse(
        '<https://example.org/a?b=1&amp;c=2|the docs> <https://x.org> <mailto:a@b.org|a@b.org>',
      ),
    ).toEqual([
      para(
        { type: 'link', href: 'https://example.org/a?b=1&c=2', children: [text('the docs')] },
        text(' '),
        { type: 'link', href: 'https://x.org', children: [text('https://x.org')] },
        text(' '),
        { type: 'link', href: 'mailto:a@b.org', children: [text('a@b.org')] },
      ),
    ]);
    expect(
      parse('<javascript:alert(1)|click> <!subteam^S1|@ops> <!date^1392734382^{date}|Feb 18>'),
    ).toEqual([para(text('click @ops Feb 18'))]);
  });

  it('reads code blocks, quotes, lists and paragraphs', () => {
    expect(
      parse(
        'intro\n```\nconst a = 1 &lt; 2;\n*x*\n```\n&gt; quoted *bold*\n&gt; more\n\n• one\n• two\n    ◦ nested\n1. first\n2. second\nend',
      ),
    ).toEqual([
      para(text('intro')),
      { type: 'code_block', text: 'const a = 1 < 2;\n*x*' },
      {
        type: 'quote',
        children: [
          para(
            text('quoted '),
            { type: 'bold', children: [text('bold')] },
            { type: 'linebreak' },
            text('more'),
          ),
        ],
      },
      {
        type: 'list',
        ordered: false,
        items: [
          [para(text('one'))],
          [para(text('two')), { type: 'list', ordered: false, items: [[para(text('nested'))]] }],
        ],
      },
      { type: 'list', ordered: true, items: [[para(text('first'))], [para(text('second'))]] },
      para(text('end')),
    ]);
    expect(parse('&gt;&gt;&gt; all\nof this')).toEqual([
      { type: 'quote', children: [para(text('all'), { type: 'linebreak' }, text('of this'))] },
    ]);
  });

  it('turns emoji shortcodes into emoji, leaving unknown ones', () => {
    expect(parse('ok :+1: :wave::skin-tone-3: :partyparrot:')).toEqual([
      para(text('ok 👍 👋🏼 :partyparrot:')),
    ]);
  });

  it('leaves an unclosed fence as text', () => {
    expect(parse('a ``` b')).toEqual([para(text('a ``` b'))]);
  });
});

describe('AST → mrkdwn', () => {
  it('writes formatting with whitespace outside the delimiters', () => {
    expect(
      render(
        doc(
          para(
            { type: 'bold', children: [text('bold ')] },
            { type: 'italic', children: [text('it')] },
            text(' '),
            { type: 'strike', children: [text('gone')] },
            text(' '),
            { type: 'code', text: 'x`y' },
          ),
        ),
      ),
    ).toBe('*bold* _it_ ~gone~ `xˋy`');
  });

  it('escapes &, < and > so Matrix text cannot inject mentions or links', () => {
    expect(render(doc(para(text('<!channel> <@U0ALICE> <https://evil|ok> a & b > c'))))).toBe(
      '&lt;!channel&gt; &lt;@U0ALICE&gt; &lt;https://evil|ok&gt; a &amp; b &gt; c',
    );
  });

  it('writes mentions of Slack users natively and others as names', () => {
    expect(
      render(
        doc(
          para(
            { type: 'mention', target: target('U0ALICE'), text: 'Alice' },
            text(' '),
            { type: 'mention', target: { kind: 'matrix', userId: '@m:x' }, text: 'Maria <3' },
            text(' '),
            { type: 'room_mention' },
          ),
        ),
      ),
    ).toBe('<@U0ALICE> Maria &lt;3 <!channel>');
  });

  it('writes links safely', () => {
    expect(
      render(
        doc(
          para(
            { type: 'link', href: 'https://a.org/x?q=1|2>', children: [text('A > B')] },
            text(' '),
            { type: 'link', href: 'https://b.org', children: [text('https://b.org')] },
            text(' '),
            { type: 'link', href: 'javascript:alert(1)', children: [text('js')] },
          ),
        ),
      ),
    ).toBe('<https://a.org/x?q=1%7C2%3E|A &gt; B> <https://b.org> js');
  });

  it('writes blocks and round-trips through the parser', () => {
    const d = doc(
      para(text('intro')),
      { type: 'code_block', text: 'a < b\n```' },
      { type: 'quote', children: [para(text('quoted'))] },
      {
        type: 'list',
        ordered: false,
        items: [
          [para(text('one'))],
          [para(text('two')), { type: 'list', ordered: true, items: [[para(text('sub'))]] }],
        ],
      },
    );
    const out = render(d);
    expect(out).toBe(
      'intro\n\n```\na &lt; b\n`\u200B``\n```\n\n> quoted\n\n• one\n• two\n    1. sub',
    );
    expect(parse(out)).toEqual([
      para(text('intro')),
      { type: 'code_block', text: 'a < b\n`\u200B``' },
      { type: 'quote', children: [para(text('quoted'))] },
      {
        type: 'list',
        ordered: false,
        items: [
          [para(text('one'))],
          [para(text('two')), { type: 'list', ordered: true, items: [[para(text('sub'))]] }],
        ],
      },
    ]);
  });
});
