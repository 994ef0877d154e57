import { describe, expect, it } from 'vitest';
import type { MentionTarget } from '../../../src/model/message.js';
import { parseMatrix, renderMatrix } from '../../../src/format/index.js';
import {
  parseMattermostMarkdown,
  renderMattermostMarkdown,
} from '../../../connectors/mattermost/format/index.js';

// Matrix users appear on Mattermost as "matrix_<localpart>" accounts, Mattermost users on Matrix as ghosts.
const usernameFor = (t: MentionTarget): string | undefined =>
  t.kind === 'matrix' ? `matrix_${t.userId.slice(1, t.userId.indexOf(':'))}` : t.userId;
const resolveUser = (username: string): MentionTarget | undefined =>
  username.startsWith('matrix_')
    ? { kind: 'matrix', userId: `@${username.slice('matrix_'.length)}:example.org` }
    : username === 'carol'
      ? { kind: 'remote', connector: 'mattermost', workspace: 'w', userId: 'carol' }
      : undefined;
const userIdFor = (t: MentionTarget): string | undefined =>
  t.kind === 'remote' ? `@mm_${t.userId}:example.org` : undefined;

const matrixToMattermost = (formatted_body: string): string =>
  renderMattermostMarkdown(
    parseMatrix({ body: 'x', format: 'org.matrix.custom.html', formatted_body }),
    { usernameFor },
  );
// The Matrix side knows display names (from room state); Mattermost text only carries usernames.
const mentionName = (t: MentionTarget): string | undefined =>
  t.kind === 'matrix' && t.userId === '@alice:example.org' ? 'Alice' : undefined;
const mattermostToMatrix = (md: string) =>
  renderMatrix(parseMattermostMarkdown(md, { resolveUser, userDisplayName: () => undefined }), {
    userIdFor,
    mentionName,
  });

describe('Matrix → Mattermost → Matrix', () => {
  const cases: [string, string][] = [
    [
      '<strong>bold</strong> <em>italic</em> <del>strike</del> <code>code</code>',
      '**bold** _italic_ ~~strike~~ `code`',
    ],
    [
      '<pre><code class="language-rust">fn main() {\n    println!("*hi*");\n}\n</code></pre>',
      '```rust\nfn main() {\n    println!("*hi*");\n}\n```',
    ],
    [
      '<blockquote><p>quoted <strong>text</strong></p></blockquote><p>reply</p>',
      '> quoted **text**\n\nreply',
    ],
    ['<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>', '- one\n- two\n  - nested'],
    ['<ol start="3"><li>three</li><li>four</li></ol>', '3. three\n4. four'],
    [
      '<a href="https://example.com/page">a link</a> and <a href="https://example.com/x_y">https://example.com/x_y</a>',
      '[a link](https://example.com/page) and https://example.com/x_y',
    ],
    ['hi <a href="https://matrix.to/#/@alice:example.org">Alice</a>', 'hi @matrix_alice'],
    ['*not bold* and 2*3 and _x_', '\\*not bold\\* and 2\\*3 and \\_x\\_'],
    ['<h2>Heading</h2><hr><p>@room look</p>', '## Heading\n\n---\n\n@channel look'],
  ];

  for (const [html, md] of cases) {
    it(`keeps ${JSON.stringify(html.slice(0, 40))}`, () => {
      const out = matrixToMattermost(html);
      expect(out).toBe(md);
      const back = mattermostToMatrix(out);
      const direct = renderMatrix(
        parseMatrix({ format: 'org.matrix.custom.html', formatted_body: html }),
        { mentionName },
      );
      expect(back.formatted_body).toBe(direct.formatted_body);
      expect(back.body).toBe(direct.body);
    });
  }

  it('keeps a whole formatted message, mentions included', () => {
    const html =
      '<p>Hi <a href="https://matrix.to/#/@alice:example.org">Alice</a>, <strong>bold <em>both</em></strong> <del>gone</del> <code>x*y</code></p>' +
      '<pre><code class="language-ts">const a = `b`;\n</code></pre><blockquote><p>q</p></blockquote>' +
      '<ol><li>first</li><li>second</li></ol><p><a href="https://example.com/">site</a> literal *stars* @room</p>';
    const back = mattermostToMatrix(matrixToMattermost(html));
    expect(back.formatted_body).toBe(
      '<p>Hi <a href="https://matrix.to/#/@alice:example.org">Alice</a>, <strong>bold <em>both</em></strong> <del>gone</del> <code>x*y</code></p>' +
        '<pre><code class="language-ts">const a = `b`;\n</code></pre><blockquote><p>q</p></blockquote>' +
        '<ol><li>first</li><li>second</li></ol><p><a href="https://example.com/">site</a> literal *stars* @room</p>',
    );
    expect(back['m.mentions']).toEqual({ user_ids: ['@alice:example.org'], room: true });
  });
});

describe('Mattermost → Matrix → Mattermost', () => {
  const cases = [
    '**bold** _italic_ ~~strike~~ `code`',
    '```python\nprint("hi")\n```',
    '> quote\n\nafter',
    '- a\n- b\n  1. c',
    '[link](https://example.com/x) https://example.com/y',
    'hey @carol and @channel',
    'line one\nline two',
    '# Title\n\n---',
  ];
  for (const md of cases) {
    it(`keeps ${JSON.stringify(md)}`, () => {
      const matrix = mattermostToMatrix(md);
      const ast = parseMatrix(matrix);
      const ghostToUser = (t: MentionTarget): string | undefined =>
        t.kind === 'matrix' && t.userId.startsWith('@mm_')
          ? t.userId.slice(4, t.userId.indexOf(':'))
          : usernameFor(t);
      expect(renderMattermostMarkdown(ast, { usernameFor: ghostToUser })).toBe(md);
    });
  }

  it('turns a Mattermost mention into a Matrix pill with m.mentions', () => {
    const r = mattermostToMatrix('ping @carol');
    expect(r.formatted_body).toBe(
      'ping <a href="https://matrix.to/#/@mm_carol:example.org">@carol</a>',
    );
    expect(r.body).toBe('ping @carol');
    expect(r['m.mentions']).toEqual({ user_ids: ['@mm_carol:example.org'] });
  });
});
