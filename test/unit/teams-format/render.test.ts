import { describe, expect, it } from 'vitest';
import {
  graphMentions,
  keyToTeamsReaction,
  mentionEntities,
  parseTeamsHtml,
  renderTeamsHtml,
  splitFormatted,
  teamsReactionToKey,
} from '../../../connectors/teams/format/index.js';
import { parseMatrixHtml } from '../../../src/format/index.js';
import type { FormattedText, MentionTarget } from '../../../src/model/message.js';

const alice: MentionTarget = {
  kind: 'remote',
  connector: 'teams',
  workspace: 'contoso',
  userId: 'aad-alice',
};
const matrixUser: MentionTarget = { kind: 'matrix', userId: '@maria:example.org' };
const users = (t: MentionTarget) =>
  t.kind === 'remote' && t.userId === 'aad-alice'
    ? { id: 'aad-alice', name: 'Alice <A>' }
    : undefined;

describe('FormattedText → Teams HTML', () => {
  const text = parseMatrixHtml(
    '<p><b>b</b> <i>i</i> <del>s</del> <u>u</u> <code>&lt;c&gt;</code> <a href="https://x.org/?a=1&b=2">l</a> <a href="javascript:alert(1)">bad</a><br>next</p>' +
      '<h5>deep</h5><pre><code>if (a < b) {}</code></pre><blockquote><p>q</p></blockquote><ol start="2"><li>two</li></ol><hr>',
  );

  it('renders the formatting Teams supports and escapes the rest', () => {
    expect(renderTeamsHtml(text, { mode: 'bot', mentionUser: () => undefined }).html).toBe(
      '<p><strong>b</strong> <em>i</em> <s>s</s> <u>u</u> <code>&lt;c&gt;</code> <a href="https://x.org/?a=1&amp;b=2">l</a> bad<br>next</p>' +
        '<h3>deep</h3><pre>if (a &lt; b) {}</pre><blockquote><p>q</p></blockquote><ol start="2"><li><p>two</p></li></ol><hr>',
    );
  });

  it('writes tenant users as <at> with entities (bot) or mentions (Graph), others as text', () => {
    const withMentions: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'mention', target: alice, text: 'Alice' },
            { type: 'text', text: ' & ' },
            { type: 'mention', target: matrixUser, text: 'Maria' },
            { type: 'text', text: ' ' },
            { type: 'room_mention' },
          ],
        },
      ],
    };
    const bot = renderTeamsHtml(withMentions, { mode: 'bot', mentionUser: users });
    expect(bot.html).toBe('<p><at>Alice &lt;A&gt;</at> &amp; @Maria @channel</p>');
    expect(mentionEntities(bot.mentions)).toEqual([
      {
        type: 'mention',
        text: '<at>Alice &lt;A&gt;</at>',
        mentioned: { id: 'aad-alice', name: 'Alice <A>' },
      },
    ]);
    const graph = renderTeamsHtml(withMentions, { mode: 'graph', mentionUser: users });
    expect(graph.html).toBe('<p><at id="0">Alice &lt;A&gt;</at> &amp; @Maria @channel</p>');
    expect(graphMentions(graph.mentions)).toEqual([
      {
        id: 0,
        mentionText: 'Alice <A>',
        mentioned: {
          user: { id: 'aad-alice', displayName: 'Alice <A>', userIdentityType: 'aadUser' },
        },
      },
    ]);
  });

  it('round-trips through the Teams parser', () => {
    const rendered = renderTeamsHtml(text, { mode: 'graph', mentionUser: () => undefined });
    const back = parseTeamsHtml(rendered.html, () => undefined).text;
    expect(back.blocks.map((b) => b.type)).toEqual([
      'paragraph',
      'heading',
      'code_block',
      'quote',
      'list',
      'rule',
    ]);
    expect(back.blocks[2]).toEqual({ type: 'code_block', text: 'if (a < b) {}' });
  });
});

describe('splitting over the size limit', () => {
  const measure = (t: FormattedText) =>
    Buffer.byteLength(renderTeamsHtml(t, { mode: 'bot', mentionUser: () => undefined }).html);

  it('keeps small texts whole and cuts large ones into parts under the budget, in order', () => {
    const small: FormattedText = {
      blocks: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi' }] }],
    };
    expect(splitFormatted(small, measure, 40_000)).toEqual([small]);

    const para = (n: number) => ({
      type: 'paragraph' as const,
      children: [{ type: 'text' as const, text: `${n} `.repeat(3000) }],
    });
    const big: FormattedText = {
      blocks: [
        para(1),
        para(2),
        { type: 'code_block', text: 'line <&>\n'.repeat(9000) },
        para(3),
        { type: 'paragraph', children: [{ type: 'text', text: 'word '.repeat(20_000) }] },
      ],
    };
    const budget = 40 * 1024;
    const parts = splitFormatted(big, measure, budget);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(measure(p)).toBeLessThanOrEqual(budget);
    const joined = parts
      .map((p) => renderTeamsHtml(p, { mode: 'bot', mentionUser: () => undefined }).html)
      .join('');
    expect(joined.indexOf('1 1 ')).toBeLessThan(joined.indexOf('2 2 '));
    expect(joined.indexOf('line &lt;&amp;&gt;')).toBeLessThan(joined.indexOf('3 3 '));
    expect((joined.match(/word/g) ?? []).length).toBe(20_000);
    expect((joined.match(/line &lt;/g) ?? []).length).toBe(9000);
  });
});

describe('reactions', () => {
  it('maps Teams reaction types to unicode keys and back', () => {
    expect(['like', 'heart', 'laugh', 'surprised', 'sad', 'angry'].map(teamsReactionToKey)).toEqual(
      ['👍', '❤️', '😆', '😮', '😢', '😡'],
    );
    expect(teamsReactionToKey('🎉')).toBe('🎉');
    expect(teamsReactionToKey('1f440_eyes')).toBe('👀');
    expect(teamsReactionToKey('custom thing')).toBe(':customthing:');
    expect(keyToTeamsReaction('👍')).toBe('like');
    expect(keyToTeamsReaction('❤')).toBe('heart');
    expect(keyToTeamsReaction('🎉')).toBe('🎉');
    expect(keyToTeamsReaction(':partyparrot:')).toBeUndefined();
  });
});
