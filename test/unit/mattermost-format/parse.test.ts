import { describe, expect, it } from 'vitest';
import type { Block, Inline, MentionTarget } from '../../../src/model/message.js';
import {
  extractMentionCandidates,
  parseMattermostMarkdown,
} from '../../../connectors/mattermost/format/index.js';

const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });
const t = (text: string): Inline => ({ type: 'text', text });
const user = (id: string): MentionTarget => ({
  kind: 'remote',
  connector: 'mattermost',
  workspace: 'w',
  userId: id,
});
const known: Record<string, string> = { alice: 'ua', bob: 'ub', 'john.doe': 'uj' };
const opts = {
  resolveUser: (u: string) => (known[u] ? user(known[u]) : undefined),
  userDisplayName: (u: string) => (u === 'alice' ? 'Alice Liddell' : undefined),
};
const parse = (md: string) => parseMattermostMarkdown(md, opts).blocks;

describe('parseMattermostMarkdown', () => {
  it('parses inline formatting', () => {
    expect(parse('**b** *i* _i2_ ~~s~~ `c`')).toEqual([
      para(
        { type: 'bold', children: [t('b')] },
        t(' '),
        { type: 'italic', children: [t('i')] },
        t(' '),
        { type: 'italic', children: [t('i2')] },
        t(' '),
        { type: 'strike', children: [t('s')] },
        t(' '),
        { type: 'code', text: 'c' },
      ),
    ]);
  });

  it('treats single newlines as line breaks', () => {
    expect(parse('one\ntwo\n\nthree')).toEqual([
      para(t('one'), { type: 'linebreak' }, t('two')),
      para(t('three')),
    ]);
  });

  it('parses links and autolinks', () => {
    expect(
      parse('[site](https://example.com) https://x.org/a_b www.example.org a@b.co example.com'),
    ).toEqual([
      para(
        { type: 'link', href: 'https://example.com', children: [t('site')] },
        t(' '),
        { type: 'link', href: 'https://x.org/a_b', children: [t('https://x.org/a_b')] },
        t(' '),
        { type: 'link', href: 'http://www.example.org', children: [t('www.example.org')] },
        t(' '),
        { type: 'link', href: 'mailto:a@b.co', children: [t('a@b.co')] },
        t(' example.com'),
      ),
    ]);
  });

  it('does not link javascript: URLs and keeps raw HTML as text', () => {
    expect(parse('[x](javascript:alert(1)) <script>alert(1)</script>')).toEqual([
      para(t('[x](javascript:alert(1)) <script>alert(1)</script>')),
    ]);
  });

  it('parses blocks', () => {
    expect(
      parse(
        '# H1\n\n### H3\n\n```go\nfmt.Println()\n```\n\n> quote\n\n- a\n- b\n  1. c\n\n5. five\n\n---',
      ),
    ).toEqual([
      { type: 'heading', level: 1, children: [t('H1')] },
      { type: 'heading', level: 3, children: [t('H3')] },
      { type: 'code_block', language: 'go', text: 'fmt.Println()' },
      { type: 'quote', children: [para(t('quote'))] },
      {
        type: 'list',
        ordered: false,
        items: [
          [para(t('a'))],
          [para(t('b')), { type: 'list', ordered: true, items: [[para(t('c'))]] }],
        ],
      },
      { type: 'list', ordered: true, start: 5, items: [[para(t('five'))]] },
      { type: 'rule' },
    ]);
  });

  it('turns tables into a paragraph of rows', () => {
    expect(parse('| a | b |\n|---|---|\n| 1 | 2 |')).toEqual([
      para(
        { type: 'bold', children: [t('a')] },
        t(' | '),
        { type: 'bold', children: [t('b')] },
        { type: 'linebreak' },
        t('1 | 2'),
      ),
    ]);
  });

  it('resolves user mentions with display names', () => {
    expect(parse('hi @alice, @Bob. and @john.doe!')).toEqual([
      para(
        t('hi '),
        { type: 'mention', target: user('ua'), text: 'Alice Liddell' },
        t(', '),
        { type: 'mention', target: user('ub'), text: '@Bob' },
        t('. and '),
        { type: 'mention', target: user('uj'), text: '@john.doe' },
        t('!'),
      ),
    ]);
  });

  it('leaves unknown users, e-mail addresses and code alone', () => {
    expect(parse('@carol mail alice@example.org `@alice`\n\n```\n@alice\n```')).toEqual([
      para(
        t('@carol mail '),
        { type: 'link', href: 'mailto:alice@example.org', children: [t('alice@example.org')] },
        t(' '),
        { type: 'code', text: '@alice' },
      ),
      { type: 'code_block', text: '@alice' },
    ]);
  });

  it('falls back to the name without a trailing _ or -', () => {
    expect(parse('@bob_ hi')).toEqual([
      para({ type: 'mention', target: user('ub'), text: '@bob' }, t('_ hi')),
    ]);
  });

  it('turns @channel, @all and @here into room mentions', () => {
    expect(parse('@channel @all @here @HERE `@channel` \\@channel')).toEqual([
      para(
        { type: 'room_mention' },
        t(' '),
        { type: 'room_mention' },
        t(' '),
        { type: 'room_mention' },
        t(' '),
        { type: 'room_mention' },
        t(' '),
        { type: 'code', text: '@channel' },
        t(' @channel'),
      ),
    ]);
  });

  it('converts emoji shortcodes to Unicode outside code', () => {
    expect(parse(':+1: :tada: at 10:30:00 :not_an_emoji: `:smile:`')).toEqual([
      para(t('👍 🎉 at 10:30:00 :not_an_emoji: '), { type: 'code', text: ':smile:' }),
    ]);
    expect(parseMattermostMarkdown(':smile:', { ...opts, emoji: false }).blocks).toEqual([
      para(t(':smile:')),
    ]);
  });

  it('does not throw on hostile input', () => {
    expect(() => parse('>'.repeat(10_000) + ' deep')).not.toThrow();
    expect(() => parse('*'.repeat(20_000) + 'x' + '*'.repeat(20_000))).not.toThrow();
    expect(() => parse('[a'.repeat(50_000))).not.toThrow();
    expect(() => parse('x'.repeat(1024 * 1024))).not.toThrow();
    expect(parse('')).toEqual([]);
  });
});

describe('extractMentionCandidates', () => {
  it('lists usernames lowercased and deduplicated, without code or channel-wide mentions', () => {
    expect(
      extractMentionCandidates(
        '@Alice @alice @bob. @channel @all @here `@carol` me@dave.org\n```\n@erin\n```\n@frank_',
      ),
    ).toEqual(['alice', 'bob', 'frank_', 'frank']);
  });

  it('returns nothing for text without mentions', () => {
    expect(extractMentionCandidates('no mentions here')).toEqual([]);
    expect(extractMentionCandidates('')).toEqual([]);
  });
});
