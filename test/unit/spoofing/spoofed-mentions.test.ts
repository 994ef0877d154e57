/**
 * Security class "spoofed mentions": only a platform's genuine mention syntax, mapped by the
 * core, may notify a Matrix user. A matrix.to (or matrix:, or web-client) link in any spelling,
 * written as a link, a bare URL, raw HTML or link text on any platform, must reach Matrix
 * without `m.mentions` and without an anchor a client would turn into a pill.
 */
import { describe, expect, it } from 'vitest';
import { parseHtmlTree, type HtmlNode } from '../../../src/format/html-tree.js';
import { BOB_GHOST, PLATFORMS, toMatrix } from './platforms.js';

/** Spellings of a link to @alice:hs.example (and to rooms) that a Matrix client would pillify. */
const PERMALINKS = [
  'https://matrix.to/#/@alice:hs.example',
  'https://matrix.to/#/%40alice%3Ahs.example',
  'https://matrix.to/#/%2540alice%253Ahs.example',
  'HTTPS://MATRIX.TO/#/@ALICE:HS.EXAMPLE',
  'https://Matrix.To/#/@alice:hs.example?via=hs.example',
  'https://matrix.to/#/@alice:hs.example?action=chat&via=x.example',
  'http://matrix.to/#/@alice:hs.example',
  'https://www.matrix.to/#/@alice:hs.example',
  'https://matrix.to./#/@alice:hs.example',
  'https://matrix.to:443/#/@alice:hs.example',
  'https://matrix%2Eto/#/@alice:hs.example',
  'https://matrix.to/#/@alice:hs.example/$event',
  'https://matrix.to/#/#ops:hs.example',
  'https://matrix.to/#/!room:hs.example?via=hs.example',
  'https://app.element.io/#/user/@alice:hs.example',
  'https://chat.agency.example/#/room/#ops:hs.example',
  'matrix:u/alice:hs.example',
  'matrix:u/alice:hs.example?action=chat',
  'MATRIX:r/ops:hs.example',
];

/** Decoded, lowercased: how a client might read an href before deciding it is a permalink. */
function readAsClient(href: string): string {
  let s = href;
  for (let i = 0; i < 3; i += 1) {
    try {
      s = decodeURIComponent(s);
    } catch {
      break;
    }
  }
  return s.toLowerCase();
}

const PILL_LIKE = /matrix\.to|^matrix:|#\/+(user|room)\//;

/** Anchors and un-coded text runs in formatted_body that a client could turn into a pill. */
function pillable(html: string): string[] {
  const found: string[] = [];
  const walk = (node: HtmlNode, inCode: boolean): void => {
    if (node.type === 'text') {
      if (!inCode && PILL_LIKE.test(readAsClient(node.text).replace(/\s/g, ''))) {
        found.push(node.text);
      }
      return;
    }
    if (node.name === 'a' && PILL_LIKE.test(readAsClient(node.attrs.href ?? ''))) {
      found.push(`<a href="${node.attrs.href}">`);
    }
    for (const child of node.children) walk(child, inCode || node.name === 'code');
  };
  walk(parseHtmlTree(html), false);
  // A text run like "matrix.to" split around other words is matched per run above.
  return found.filter((f) => /matrix|#\//i.test(f));
}

function expectNoMentionNoPill(markup: string, parse: (m: string) => ReturnType<typeof toMatrix>) {
  const r = parse(markup);
  expect(r['m.mentions'], markup).toEqual({ user_ids: [] });
  expect(pillable(r.formatted_body ?? ''), markup).toEqual([]);
  return r;
}

describe.each(PLATFORMS)('spoofed mentions from $name', (platform) => {
  const viaMatrix = (markup: string) => toMatrix(platform.parse(markup));

  it('the genuine mention syntax does notify (the control)', () => {
    const r = viaMatrix(platform.genuineMention);
    expect(r['m.mentions'].user_ids).toEqual([BOB_GHOST]);
    expect(r.formatted_body).toContain(`href="https://matrix.to/#/${BOB_GHOST}"`);
  });

  it.each(PERMALINKS)('a link to %s with a name as text stays a plain, unpilled link', (url) => {
    const r = expectNoMentionNoPill(platform.link(url, 'Alice'), viaMatrix);
    expect(r.body).toContain('Alice');
  });

  it.each(PERMALINKS)('a link to %s with the URL as its text', (url) => {
    expectNoMentionNoPill(platform.link(url, url), viaMatrix);
  });

  it.each(PERMALINKS)('a bare %s in running text', (url) => {
    expectNoMentionNoPill(platform.bare(url), viaMatrix);
  });

  it.each(PERMALINKS)('%s as the text of a link elsewhere', (url) => {
    const r = expectNoMentionNoPill(platform.link('https://example.org/', url), viaMatrix);
    expect(r.body).toContain('https://example.org/');
  });

  it.each(PERMALINKS)('raw HTML <a href="%s"> written as text', (url) => {
    expectNoMentionNoPill(platform.plain(`say <a href="${url}">Alice</a> hi`), viaMatrix);
  });
});

describe('spoofed mentions specific to Teams HTML', () => {
  const teams = PLATFORMS.find((p) => p.name === 'Teams HTML')!;
  const viaMatrix = (markup: string) => toMatrix(teams.parse(markup));

  it.each([
    '<a href="https://matrix.to/#/@_teams_at_0:mention.invalid">Bob</a>',
    '<a href="https://matrix.to/#/@_teams_at_7:mention.invalid">Carol</a>',
    '<span itemtype="http://schema.skype.com/Mention" itemid="9">Nobody</span>',
    '<at id="5">Unlisted</at>',
    '<A HREF="https://matrix.to/#/@alice:hs.example">Alice</A>',
    '<a href="https://matrix.to/#/&#64;alice&#58;hs.example">Alice</a>',
    '<b><a href="https://matrix.to/#/@alice:hs.example">Alice</a></b>',
    '<a href="https://matrix.to/#/@alice:hs.example"><at id="9">Alice</at></a>',
  ])('%s notifies nobody', (html) => {
    expectNoMentionNoPill(html, viaMatrix);
  });
});
