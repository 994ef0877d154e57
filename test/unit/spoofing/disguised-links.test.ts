/**
 * Security class "disguised links": a link whose text is (or looks like) a different address
 * than where it goes shows its real target, platform → Matrix and Matrix → each platform.
 */
import { describe, expect, it } from 'vitest';
import { parseHtmlTree, textContent } from '../../../src/format/html-tree.js';
import { escapeHtml, parseMatrixHtml } from '../../../src/format/index.js';
import { isDisguisedLink } from '../../../src/format/disguised-links.js';
import { PLATFORMS, toMatrix } from './platforms.js';

/** [label shown, real target]: each label claims somewhere the link does not go. */
const DISGUISED: Array<[string, string]> = [
  ['https://bank.example', 'https://evil.example'],
  ['https://bank.example/', 'https://evil.example/login'],
  ['http://bank.example', 'https://evil.example'],
  ['bank.example', 'https://evil.example'],
  ['www.bank.example', 'https://evil.example'],
  ['BANK.EXAMPLE', 'https://evil.example'],
  ['bank.example/login', 'https://bank.example/phish'],
  ['https://bank.example/login', 'https://bank.example.evil.example/login'],
  ['https://bank.example@evil.example', 'https://evil.example'],
  ['https://bank.example:8443', 'https://bank.example:9443'],
  ['ftp://files.bank.example', 'https://evil.example'],
  ['help@bank.example', 'mailto:phish@evil.example'],
  ['mailto:help@bank.example', 'mailto:phish@evil.example'],
  ['https://bаnk.example', 'https://evil.example'],
  ['bank\u200B.example', 'https://evil.example'],
];

/** Labels that are honest (same place) or not address-like: left as they are. */
const HONEST: Array<[string, string]> = [
  ['https://bank.example', 'https://bank.example/'],
  ['bank.example', 'https://bank.example/'],
  ['https://BANK.example/login', 'https://bank.example/login'],
  ['www.bank.example', 'https://bank.example'],
  ['bank.example', 'https://bank.example/deep/link?x=1'],
  ['help@bank.example', 'mailto:help@bank.example'],
  ['the docs', 'https://evil.example'],
  ['click here', 'https://evil.example'],
  ['Release notes v2', 'https://evil.example'],
];

describe('isDisguisedLink', () => {
  it.each(DISGUISED)('%s → %s is disguised', (label, href) => {
    expect(isDisguisedLink(label, href)).toBe(true);
  });
  it.each(HONEST)('%s → %s is not', (label, href) => {
    expect(isDisguisedLink(label, href)).toBe(false);
  });
});

/** What a Matrix reader sees: formatted_body without tags (hrefs hidden). */
const matrixVisible = (r: ReturnType<typeof toMatrix>): string =>
  r.formatted_body === undefined ? r.body : textContent(parseHtmlTree(r.formatted_body));

const host = (href: string): string => href.replace(/^[a-z]+:(\/\/)?/, '');

describe.each(PLATFORMS)('disguised links from $name to Matrix', (platform) => {
  it.each(DISGUISED)('%s → %s shows its real target', (label, href) => {
    const r = toMatrix(platform.parse(platform.link(href, label)));
    expect(matrixVisible(r)).toContain(host(href));
    expect(r.body).toContain(host(href));
  });

  it.each(HONEST.filter(([label]) => !label.includes('.')))(
    '"%s" → %s keeps its text alone',
    (label, href) => {
      const r = toMatrix(platform.parse(platform.link(href, label)));
      expect(matrixVisible(r)).toContain(label);
      expect(matrixVisible(r)).not.toContain(host(href));
    },
  );
});

describe.each(PLATFORMS)('disguised links from Matrix HTML to $name', (platform) => {
  const fromMatrix = (label: string, href: string): string =>
    platform.render(
      parseMatrixHtml(`<p>pay at <a href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>`),
    );

  it.each(DISGUISED.filter(([, href]) => href.startsWith('https:')))(
    '%s → %s shows its real target',
    (label, href) => {
      expect(platform.visible(fromMatrix(label, href))).toContain(host(href));
    },
  );

  it.each(HONEST.filter(([label]) => !label.includes('.')))(
    '"%s" → %s keeps its text alone',
    (label, href) => {
      const visible = platform.visible(fromMatrix(label, href));
      expect(visible).toContain(label);
      expect(visible).not.toContain(host(href));
    },
  );
});
