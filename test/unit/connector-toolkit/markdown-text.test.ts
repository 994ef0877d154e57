/** Text pieces the Markdown-like writers share: labels, URL-safe escaping, destinations, mentions. */
import { describe, expect, it } from 'vitest';
import {
  escapeAroundUrls,
  type Inline,
  longestRun,
  type MentionInline,
  percentEncodeChars,
  plainLabel,
  usernameMention,
} from '../../../src/connector/index.js';

describe('plainLabel', () => {
  const label: Inline[] = [
    { type: 'text', text: 'a ' },
    { type: 'bold', children: [{ type: 'code', text: 'b' }] },
    { type: 'linebreak' },
    { type: 'mention', target: { kind: 'matrix', userId: '@m:x' }, text: 'Mo' },
  ];

  it('reads text, code and formatting; anything else as NUL by default', () => {
    expect(plainLabel(label)).toBe('a b\u0000\u0000');
  });

  it('reads anything else as the caller says', () => {
    expect(plainLabel(label, (n) => (n.type === 'mention' ? n.text : ' '))).toBe('a b Mo');
  });
});

describe('escapeAroundUrls', () => {
  const URLS = /https?:\/\/\S+/g;
  const star = (s: string) => s.replace(/\*/g, '\\*');

  it.each([
    ['no URL', 'a*b', 'a\\*b'],
    ['URL kept as typed', '*x* https://e.org/*a*_b end*', '\\*x\\* https://e.org/*a*_b end\\*'],
    ['several URLs', 'http://a/* * http://b/*', 'http://a/* \\* http://b/*'],
    ['line endings made \\n', 'a\r\nb\rc', 'a\nb\nc'],
  ])('%s', (_name, text, expected) => {
    expect(escapeAroundUrls(text, URLS, star)).toBe(expected);
  });

  it('lets the caller rewrite what comes right before a URL', () => {
    const out = escapeAroundUrls(
      'see <https://e.org>',
      URLS,
      (s) => s,
      (w) => `${w}[`,
    );
    expect(out).toBe('see <[https://e.org>');
  });
});

describe('percentEncodeChars', () => {
  const DEST = /[\s<>()]/g;
  it.each([
    ['https://e.org/a b', 'https://e.org/a%20b'],
    ['https://e.org/(x)', 'https://e.org/%28x%29'],
    ['https://e.org/<script>', 'https://e.org/%3Cscript%3E'],
    ['https://e.org/a\nb\tc', 'https://e.org/a%0Ab%09c'],
    ['https://e.org/\u00a0x', 'https://e.org/%C2%A0x'],
    ['https://e.org/ok', 'https://e.org/ok'],
  ])('%s', (href, expected) => {
    expect(percentEncodeChars(href, DEST)).toBe(expected);
  });

  it('leaves characters the set does not name', () => {
    expect(percentEncodeChars('https://e.org/(a|b)', /[|]/g)).toBe('https://e.org/(a%7Cb)');
  });
});

describe('longestRun', () => {
  it.each([
    ['', 0],
    ['abc', 0],
    ['a`b', 1],
    ['``a```b`', 3],
  ])('%j', (text, n) => {
    expect(longestRun(text, '`')).toBe(n);
  });
});

describe('usernameMention', () => {
  const node: MentionInline = {
    type: 'mention',
    target: { kind: 'matrix', userId: '@a:x' },
    text: '@@Ann',
  };
  const VALID = /^[a-z0-9._-]+$/i;
  const escape = (s: string) => `«${s}»`;

  it('writes @username for a valid username', () => {
    expect(usernameMention(node, false, () => 'ann.b', VALID, escape)).toBe('@ann.b');
  });

  it('writes the escaped name, without leading @, when there is no username', () => {
    expect(usernameMention(node, false, () => undefined, VALID, escape)).toBe('«Ann»');
  });

  it('never asks for a username inside a link label', () => {
    const asked: unknown[] = [];
    const out = usernameMention(node, true, (t) => (asked.push(t), 'ann'), VALID, escape);
    expect(out).toBe('«Ann»');
    expect(asked).toEqual([]);
  });

  // A username the platform returned is not trusted to be one: anything that could carry
  // markup, another mention or a broadcast is written as the plain name instead.
  it.each([
    'ann bob',
    'ann*',
    '[ann](https://e.org)',
    'ann\n@all',
    '<!channel>',
    '@here',
    'ann\u200b',
    'änn',
    '',
  ])('refuses %j as a username', (username) => {
    expect(usernameMention(node, false, () => username, VALID, escape)).toBe('«Ann»');
  });
});
