import { describe, expect, it } from 'vitest';
import type { Block, FormattedText, Inline, MentionTarget } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';
import { parseMatrix, renderMatrix } from '../../../src/format/index.js';

const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });
const doc = (...blocks: Block[]): FormattedText => ({ blocks });
const remote: MentionTarget = {
  kind: 'remote',
  connector: 'mattermost',
  workspace: 'w1',
  userId: 'u123',
};

describe('renderMatrix', () => {
  it('sends plain text without formatted_body', () => {
    const r = renderMatrix(plainText('hello <world> & you\nline two'));
    expect(r).toEqual({ body: 'hello <world> & you\nline two', 'm.mentions': { user_ids: [] } });
  });

  it('renders formatting as escaped HTML with a readable body', () => {
    const r = renderMatrix(
      doc(
        para(
          { type: 'bold', children: [{ type: 'text', text: 'b<i>' }] },
          { type: 'text', text: ' & ' },
          { type: 'italic', children: [{ type: 'text', text: 'i' }] },
          { type: 'text', text: ' ' },
          { type: 'strike', children: [{ type: 'text', text: 's' }] },
          { type: 'text', text: ' ' },
          { type: 'underline', children: [{ type: 'text', text: 'u' }] },
          { type: 'text', text: ' ' },
          { type: 'code', text: 'a<b' },
          { type: 'linebreak' },
          {
            type: 'link',
            href: 'https://example.com/?a=1&b="2"',
            children: [{ type: 'text', text: 'site' }],
          },
        ),
      ),
    );
    expect(r.format).toBe('org.matrix.custom.html');
    expect(r.formatted_body).toBe(
      '<strong>b&lt;i&gt;</strong> &amp; <em>i</em> <del>s</del> <u>u</u> <code>a&lt;b</code><br>' +
        '<a href="https://example.com/?a=1&amp;b=&quot;2&quot;">site</a>',
    );
    expect(r.body).toBe('b<i> & i s u `a<b`\nsite (https://example.com/?a=1&b="2")');
  });

  it('renders blocks in HTML and in the body', () => {
    const r = renderMatrix(
      doc(
        { type: 'heading', level: 1, children: [{ type: 'text', text: 'Title' }] },
        { type: 'code_block', language: 'ts', text: 'let a = 1 < 2;' },
        { type: 'quote', children: [para({ type: 'text', text: 'quoted' })] },
        {
          type: 'list',
          ordered: false,
          items: [[para({ type: 'text', text: 'one' })], [para({ type: 'text', text: 'two' })]],
        },
        { type: 'list', ordered: true, start: 3, items: [[para({ type: 'text', text: 'three' })]] },
        { type: 'rule' },
      ),
    );
    expect(r.formatted_body).toBe(
      '<h1>Title</h1><pre><code class="language-ts">let a = 1 &lt; 2;\n</code></pre><blockquote><p>quoted</p></blockquote>' +
        '<ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol><hr>',
    );
    expect(r.body).toBe(
      '# Title\n\n```ts\nlet a = 1 < 2;\n```\n\n> quoted\n\n- one\n- two\n\n3. three\n\n---',
    );
  });

  it('renders mentions as pills and lists them in m.mentions', () => {
    const r = renderMatrix(
      doc(
        para(
          {
            type: 'mention',
            target: { kind: 'matrix', userId: '@alice:example.org' },
            text: 'alice',
          },
          { type: 'text', text: ' and ' },
          { type: 'mention', target: remote, text: 'Bob B' },
          { type: 'text', text: ' and ' },
          {
            type: 'mention',
            target: { kind: 'remote', connector: 'mattermost', workspace: 'w1', userId: 'nobody' },
            text: '@carol',
          },
          { type: 'text', text: ' and ' },
          {
            type: 'mention',
            target: { kind: 'matrix', userId: '@alice:example.org' },
            text: 'alice',
          },
        ),
      ),
      {
        mentionName: (t) => (t.kind === 'matrix' ? 'Alice <A>' : undefined),
        userIdFor: (t) =>
          t.kind === 'remote' && t.userId === 'u123' ? '@mm_bob:example.org' : undefined,
      },
    );
    expect(r.formatted_body).toBe(
      '<a href="https://matrix.to/#/@alice:example.org">Alice &lt;A&gt;</a> and ' +
        '<a href="https://matrix.to/#/@mm_bob:example.org">Bob B</a> and @carol and ' +
        '<a href="https://matrix.to/#/@alice:example.org">Alice &lt;A&gt;</a>',
    );
    expect(r.body).toBe('Alice <A> and Bob B and @carol and Alice <A>');
    expect(r['m.mentions']).toEqual({ user_ids: ['@alice:example.org', '@mm_bob:example.org'] });
  });

  it('renders an unresolvable mention as plain @name without HTML', () => {
    const r = renderMatrix(doc(para({ type: 'mention', target: remote, text: 'dave' })));
    expect(r).toEqual({ body: '@dave', 'm.mentions': { user_ids: [] } });
  });

  it('renders room_mention as @room and sets m.mentions.room', () => {
    const r = renderMatrix(doc(para({ type: 'text', text: 'hey ' }, { type: 'room_mention' })));
    expect(r.body).toBe('hey @room');
    expect(r.formatted_body).toBeUndefined();
    expect(r['m.mentions']).toEqual({ user_ids: [], room: true });
    const f = renderMatrix(doc(para({ type: 'bold', children: [{ type: 'room_mention' }] })));
    expect(f.formatted_body).toBe('<strong>@room</strong>');
  });

  it('drops unsafe link targets', () => {
    const r = renderMatrix(
      doc(
        para({
          type: 'link',
          href: 'javascript:alert(1)',
          children: [{ type: 'text', text: 'x' }],
        }),
      ),
    );
    expect(r.formatted_body).toBe('x');
  });

  it('escapes code block language and content', () => {
    const r = renderMatrix(
      doc({
        type: 'code_block',
        language: '"><script>',
        text: '</code></pre><script>alert(1)</script>',
      }),
    );
    expect(r.formatted_body).toBe(
      '<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>',
    );
  });

  it('round-trips through parseMatrix', () => {
    const original = doc(
      para(
        { type: 'text', text: 'Hi ' },
        { type: 'mention', target: { kind: 'matrix', userId: '@a:b.c' }, text: 'A' },
        { type: 'text', text: ' ' },
        { type: 'bold', children: [{ type: 'text', text: 'b' }] },
        { type: 'linebreak' },
        { type: 'room_mention' },
      ),
      { type: 'code_block', language: 'js', text: 'x\n\ny' },
      { type: 'quote', children: [para({ type: 'text', text: 'q' })] },
      {
        type: 'list',
        ordered: true,
        start: 2,
        items: [[para({ type: 'text', text: 'x' })], [para({ type: 'text', text: 'y' })]],
      },
    );
    const r = renderMatrix(original);
    expect(parseMatrix(r)).toEqual(original);
  });
});
