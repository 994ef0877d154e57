import { describe, expect, it } from 'vitest';
import type { Block, FormattedText, Inline } from '../../../src/model/message.js';
import { parseMatrix, stripReplyFallback } from '../../../src/format/index.js';

const html = (formatted_body: string, body = 'fallback'): FormattedText =>
  parseMatrix({ msgtype: 'm.text', body, format: 'org.matrix.custom.html', formatted_body });

const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });

describe('parseMatrix: HTML', () => {
  it('converts inline formatting', () => {
    expect(
      html(
        'a <b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <del>d</del> <s>s</s> <strike>k</strike> <u>u</u> <code>c</code>',
      ),
    ).toEqual({
      blocks: [
        para(
          { type: 'text', text: 'a ' },
          { type: 'bold', children: [{ type: 'text', text: 'b' }] },
          { type: 'text', text: ' ' },
          { type: 'bold', children: [{ type: 'text', text: 's' }] },
          { type: 'text', text: ' ' },
          { type: 'italic', children: [{ type: 'text', text: 'i' }] },
          { type: 'text', text: ' ' },
          { type: 'italic', children: [{ type: 'text', text: 'e' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 'd' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 's' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 'k' }] },
          { type: 'text', text: ' ' },
          { type: 'underline', children: [{ type: 'text', text: 'u' }] },
          { type: 'text', text: ' ' },
          { type: 'code', text: 'c' },
        ),
      ],
    });
  });

  it('converts blocks: paragraphs, headings, code, quotes, lists, rules', () => {
    const t = html(
      '<p>one</p>\n<h2>Title</h2>\n<pre><code class="language-python">print(1)\nprint(2)\n</code></pre>\n' +
        '<blockquote><p>q</p></blockquote><ol start="4"><li>four</li><li>five<ul><li>nested</li></ul></li></ol><hr><p>end</p>',
    );
    expect(t.blocks).toEqual([
      para({ type: 'text', text: 'one' }),
      { type: 'heading', level: 2, children: [{ type: 'text', text: 'Title' }] },
      { type: 'code_block', language: 'python', text: 'print(1)\nprint(2)' },
      { type: 'quote', children: [para({ type: 'text', text: 'q' })] },
      {
        type: 'list',
        ordered: true,
        start: 4,
        items: [
          [para({ type: 'text', text: 'four' })],
          [
            para({ type: 'text', text: 'five' }),
            { type: 'list', ordered: false, items: [[para({ type: 'text', text: 'nested' })]] },
          ],
        ],
      },
      { type: 'rule' },
      para({ type: 'text', text: 'end' }),
    ]);
  });

  it('keeps code block whitespace and entities verbatim', () => {
    const t = html('<pre><code>  if (a &lt; b &amp;&amp; c) {\n    x();\n  }\n</code></pre>');
    expect(t.blocks).toEqual([{ type: 'code_block', text: '  if (a < b && c) {\n    x();\n  }' }]);
  });

  it('collapses HTML whitespace and handles <br>', () => {
    expect(html('  hello \n  <b> world </b>  <br/>  next  line ').blocks).toEqual([
      para(
        { type: 'text', text: 'hello ' },
        { type: 'bold', children: [{ type: 'text', text: 'world' }] },
        { type: 'linebreak' },
        { type: 'text', text: 'next line' },
      ),
    ]);
  });

  it('turns matrix.to user links into mentions, other links stay links', () => {
    const t = html(
      '<a href="https://matrix.to/#/@alice:example.org">Alice</a>: see <a href="https://matrix.to/#/%40bob%3Aexample.org?via=x">Bob</a>, ' +
        '<a href="https://matrix.to/#/#room:example.org">#room</a> and <a href="https://example.com/x">site</a>',
    );
    expect(t.blocks).toEqual([
      para(
        {
          type: 'mention',
          target: { kind: 'matrix', userId: '@alice:example.org' },
          text: 'Alice',
        },
        { type: 'text', text: ': see ' },
        { type: 'mention', target: { kind: 'matrix', userId: '@bob:example.org' }, text: 'Bob' },
        { type: 'text', text: ', ' },
        {
          type: 'link',
          href: 'https://matrix.to/#/#room:example.org',
          children: [{ type: 'text', text: '#room' }],
        },
        { type: 'text', text: ' and ' },
        { type: 'link', href: 'https://example.com/x', children: [{ type: 'text', text: 'site' }] },
      ),
    ]);
  });

  it('removes <mx-reply> entirely', () => {
    const t = html(
      '<mx-reply><blockquote><a href="https://matrix.to/#/!r:x/$e">In reply to</a> <a href="https://matrix.to/#/@a:x">@a:x</a><br>orig</blockquote></mx-reply>the reply',
    );
    expect(t.blocks).toEqual([para({ type: 'text', text: 'the reply' })]);
  });

  it('detects @room as a word, not inside code or words', () => {
    const t = html('<p>@room hi <code>@room</code> me@room.org @roomy @room.</p>');
    expect(t.blocks).toEqual([
      para(
        { type: 'room_mention' },
        { type: 'text', text: ' hi ' },
        { type: 'code', text: '@room' },
        { type: 'text', text: ' me@room.org @roomy ' },
        { type: 'room_mention' },
        { type: 'text', text: '.' },
      ),
    ]);
  });

  it('does not treat a user ID like @room:server as a room mention', () => {
    expect(html('hi @room:example.org').blocks).toEqual([
      para({ type: 'text', text: 'hi @room:example.org' }),
    ]);
  });

  it('drops dangerous content (XSS) without throwing', () => {
    const t = html(
      '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">click</a><p onclick="x()">ok</p>',
    );
    expect(t.blocks).toEqual([
      para({ type: 'text', text: 'click' }),
      para({ type: 'text', text: 'ok' }),
    ]);
    expect(JSON.stringify(t)).not.toMatch(/javascript|alert\(1\)|onerror/);
  });

  it('survives 10,000 levels of nesting', () => {
    const deep = '<b>'.repeat(10_000) + 'x' + '</b>'.repeat(10_000);
    const t = html(deep);
    expect(JSON.stringify(t)).toContain('"x"');
    const quotes = '<blockquote>'.repeat(8_000) + 'y' + '</blockquote>'.repeat(8_000);
    expect(JSON.stringify(html(quotes))).toContain('"y"');
  });

  it('survives 1 MB of input', () => {
    const big = '<p>' + 'word <b>bold</b> '.repeat(70_000) + '</p>';
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const t = html(big);
    expect(t.blocks.length).toBeGreaterThan(0);
  });

  it('uses plain text of tables, details and images', () => {
    const t = html(
      '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table><details><summary>S</summary>D</details><img src="mxc://x/y" alt=":cat:">',
    );
    expect(t.blocks).toEqual([
      para(
        { type: 'bold', children: [{ type: 'text', text: 'a' }] },
        { type: 'text', text: ' | ' },
        { type: 'bold', children: [{ type: 'text', text: 'b' }] },
        { type: 'linebreak' },
        { type: 'text', text: '1 | 2' },
      ),
      para({ type: 'text', text: 'S' }),
      para({ type: 'text', text: 'D' }),
      para({ type: 'text', text: ':cat:' }),
    ]);
  });

  it('falls back to the body when format is not HTML', () => {
    expect(
      parseMatrix({ body: '<b>x</b>', format: 'something/else', formatted_body: '<b>y</b>' })
        .blocks,
    ).toEqual([para({ type: 'text', text: '<b>x</b>' })]);
    expect(
      parseMatrix({ body: 'b', format: 'org.matrix.custom.html', formatted_body: 7 }).blocks,
    ).toEqual([para({ type: 'text', text: 'b' })]);
  });
});

describe('parseMatrix: plain body', () => {
  it('splits paragraphs and line breaks, keeps markup literal', () => {
    expect(parseMatrix({ body: 'a *b*\nc\n\n\nd' }).blocks).toEqual([
      para({ type: 'text', text: 'a *b*' }, { type: 'linebreak' }, { type: 'text', text: 'c' }),
      para({ type: 'text', text: 'd' }),
    ]);
  });

  it('never throws on weird input', () => {
    expect(parseMatrix({})).toEqual({ blocks: [] });
    expect(parseMatrix({ body: 42 })).toEqual({ blocks: [] });
    expect(parseMatrix({ body: null, formatted_body: {}, format: [] })).toEqual({ blocks: [] });
    expect(parseMatrix({ body: '   \n\n  ' })).toEqual({ blocks: [] });
  });

  it('detects @room', () => {
    expect(parseMatrix({ body: 'hey @room, look' }).blocks).toEqual([
      para(
        { type: 'text', text: 'hey ' },
        { type: 'room_mention' },
        { type: 'text', text: ', look' },
      ),
    ]);
  });

  it('strips a reply fallback only for replies', () => {
    const body = '> <@alice:example.org> original\n> second line\n\nmy answer';
    expect(parseMatrix({ body }, { isReply: true }).blocks).toEqual([
      para({ type: 'text', text: 'my answer' }),
    ]);
    expect(parseMatrix({ body }).blocks).toHaveLength(2);
  });

  it('keeps a quote that is not followed by a blank line', () => {
    expect(stripReplyFallback('> quoted\nstill text')).toBe('> quoted\nstill text');
    expect(stripReplyFallback('> only quote')).toBe('> only quote');
    expect(stripReplyFallback('no quote\n\nx')).toBe('no quote\n\nx');
    expect(stripReplyFallback('> a\n>\n> b\n\nreply\n\n> later quote')).toBe(
      'reply\n\n> later quote',
    );
  });

  it('handles CRLF', () => {
    expect(parseMatrix({ body: 'a\r\nb\r\n\r\nc' }).blocks).toEqual([
      para({ type: 'text', text: 'a' }, { type: 'linebreak' }, { type: 'text', text: 'b' }),
      para({ type: 'text', text: 'c' }),
    ]);
  });
});
