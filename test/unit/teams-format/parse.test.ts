import { describe, expect, it } from 'vitest';
import { parseTeamsHtml, type AtTag } from '../../../connectors/teams/format/index.js';
import type { MentionTarget } from '../../../src/model/message.js';

const remote = (userId: string): MentionTarget => ({
  kind: 'remote',
  connector: 'teams',
  workspace: 'contoso',
  userId,
});
const none = () => undefined;

describe('Teams HTML → FormattedText', () => {
  it('keeps bold, italic, strike, underline, code, links, lists, quotes, headings and code blocks', () => {
    const html =
      '<div><p><b>bold</b> <i>it</i> <s>gone</s> <u>under</u> <code>x()</code> <a href="https://example.org">site</a></p>' +
      '<ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol><blockquote>quoted</blockquote>' +
      '<h2>Title</h2><codeblock class="TypeScript"><code>let a = 1;<br>a++;</code></codeblock></div>';
    expect(parseTeamsHtml(html, none).text.blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'bold', children: [{ type: 'text', text: 'bold' }] },
          { type: 'text', text: ' ' },
          { type: 'italic', children: [{ type: 'text', text: 'it' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 'gone' }] },
          { type: 'text', text: ' ' },
          { type: 'underline', children: [{ type: 'text', text: 'under' }] },
          { type: 'text', text: ' ' },
          { type: 'code', text: 'x()' },
          { type: 'text', text: ' ' },
          { type: 'link', href: 'https://example.org', children: [{ type: 'text', text: 'site' }] },
        ],
      },
      {
        type: 'list',
        ordered: false,
        items: [
          [{ type: 'paragraph', children: [{ type: 'text', text: 'one' }] }],
          [{ type: 'paragraph', children: [{ type: 'text', text: 'two' }] }],
        ],
      },
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [[{ type: 'paragraph', children: [{ type: 'text', text: 'three' }] }]],
      },
      {
        type: 'quote',
        children: [{ type: 'paragraph', children: [{ type: 'text', text: 'quoted' }] }],
      },
      { type: 'heading', level: 2, children: [{ type: 'text', text: 'Title' }] },
      { type: 'code_block', language: 'typescript', text: 'let a = 1;\na++;' },
    ]);
  });

  it('resolves Bot Framework <at> mentions by order and Graph <at id> mentions by id', () => {
    const seen: AtTag[] = [];
    const byOrder = parseTeamsHtml('<p>hi <at>Alice</at> and <at>Bob</at></p>', (at) => {
      seen.push(at);
      return at.ordinal === 0 ? remote('alice-aad') : undefined;
    });
    expect(seen.map((a) => [a.ordinal, a.text])).toEqual([
      [0, 'Alice'],
      [1, 'Bob'],
    ]);
    expect(byOrder.text.blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'hi ' },
        { type: 'mention', target: remote('alice-aad'), text: 'Alice' },
        { type: 'text', text: ' and ' },
        { type: 'text', text: '@Bob' },
      ],
    });
    const byId = parseTeamsHtml('<p><at id="1">Bob</at> <at id="0">Alice</at></p>', (at) =>
      at.id === '1' ? remote('bob') : at.id === '0' ? 'room' : undefined,
    );
    expect(byId.text.blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'mention', target: remote('bob'), text: 'Bob' },
        { type: 'text', text: ' ' },
        { type: 'room_mention' },
      ],
    });
  });

  it('collects attachments and inline images, turns <emoji> into its character and drops system markup', () => {
    const r = parseTeamsHtml(
      '<p>see <emoji id="smile" alt="😄" title="Smile"></emoji></p><attachment id="ABC-1"></attachment>' +
        '<p><img src="https://graph.microsoft.com/v1.0/chats/x/messages/1/hostedContents/aa/$value" alt="image"></p><systemEventMessage/>',
      none,
    );
    expect(r.attachmentIds).toEqual(['ABC-1']);
    expect(r.images).toEqual([
      {
        src: 'https://graph.microsoft.com/v1.0/chats/x/messages/1/hostedContents/aa/$value',
        alt: 'image',
      },
    ]);
    expect(r.text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'see 😄' }] },
    ]);
  });

  it('neutralises XSS attempts', () => {
    const attempts = [
      '<p>a<script>alert(1)</script>b</p>',
      '<p><img src=x onerror=alert(1)>c</p>',
      '<p><a href="javascript:alert(1)">click</a></p>',
      '<p><a href="JaVaScRiPt:alert(1)" onclick="x()">click</a></p>',
      '<p onmouseover="alert(1)">d</p><style>*{}</style><iframe src="https://evil"></iframe>',
      '<svg><script>alert(1)</script></svg><p>e</p>',
      '<at onclick="x">M</at>',
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    ];
    const flat = JSON.stringify(attempts.slice(0, -1).map((a) => parseTeamsHtml(a, none).text));
    expect(flat).not.toMatch(
      /javascript:|onerror|onclick|onmouseover|<script|alert\(1\)<\/|iframe|evil/i,
    );
    expect(parseTeamsHtml(attempts[0]!, none).text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'ab' }] },
    ]);
    expect(parseTeamsHtml(attempts[2]!, none).text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'click' }] },
    ]);
    // Escaped markup is text, shown literally.
    expect(parseTeamsHtml(attempts[7]!, none).text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '<script>alert(1)</script>' }] },
    ]);
  });

  it('survives hostile nesting and sizes', () => {
    const deep = '<b>'.repeat(5000) + 'x' + '</b>'.repeat(5000);
    expect(() => parseTeamsHtml(deep, none)).not.toThrow();
    const huge = `<p>${'y'.repeat(500_000)}</p>`;
    const text = JSON.stringify(parseTeamsHtml(huge, none).text);
    expect(text.length).toBeLessThan(210_000);
    expect(parseTeamsHtml(undefined as unknown as string, none).text.blocks).toEqual([]);
  });
});
