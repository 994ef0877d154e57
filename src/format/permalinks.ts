/**
 * Matrix clients turn links to Matrix users into pills (and highlight a pill of yourself):
 * `https://matrix.to/#/@user:server`, `matrix:u/user:server`, and the web clients' own
 * `…/#/user/@user:server`. Only the bridge's own mention handling may create one, so links
 * and bare URLs of that kind written by a platform user are recognised here, in any
 * spelling, and shown in a form no client turns into a pill.
 */

/** Invisible characters and whitespace a browser or client would skip inside a URL. */
const URL_NOISE = /[\s\p{Cc}\p{Cf}]+/gu;

/** `matrix.to` as a host, with or without scheme, userinfo, `www.`, trailing dot or port. */
const MATRIX_TO =
  /^(?:[a-z][a-z0-9+.-]*:)?\/*(?:[^/?#@]*@)?(?:www\.)?matrix\.to\.?(?::\d*)?(?:[/?#]|$)/;
const MATRIX_URI = /^matrix:/;
/** Element-style permalinks on any web client host. */
const CLIENT_PERMALINK = /#\/+(?:user|room|group)\//;

/** Lowercased, percent-decoded (repeatedly: `%2540`), noise-free form of a URL. */
function normalise(href: string): string {
  let s = href;
  for (let i = 0; i < 3; i += 1) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      decoded = s.replace(/%([0-9a-f]{2})/gi, (m, hex: string) => {
        const c = String.fromCharCode(Number.parseInt(hex, 16));
        return c === '%' ? m : c;
      });
    }
    if (decoded === s) break;
    s = decoded;
  }
  return s.replace(URL_NOISE, '').replace(/\\/g, '/').toLowerCase();
}

/** True when a client could show `href` as a pill (a permalink to a user, room or event). */
export function isMatrixPermalink(href: string): boolean {
  const s = normalise(href);
  return MATRIX_TO.test(s) || MATRIX_URI.test(s) || CLIENT_PERMALINK.test(s);
}

/**
 * Permalink-looking runs inside plain text (clients linkify bare URLs, then pillify them).
 * Deliberately broad: any word mentioning `matrix.to`, a `matrix:` URI or a client
 * permalink fragment, in any letter case, percent-encoded or not.
 */
const PERMALINK_IN_TEXT =
  /[^\s<>"'`]*(?:matrix(?:\.|%2e)to(?![\p{L}\p{N}_-])|#\/+(?:user|room|group)\/)[^\s<>"'`]*|(?<![\p{L}\p{N}_-])matrix:[^\s<>"'`]+/giu;
/** Where the permalink part of a candidate word starts (after a `(` or `"` say). */
const PERMALINK_START = /matrix(?:\.|%2e)to|matrix:|#\/+/i;

function isPermalinkWord(word: string): boolean {
  const start = word.search(PERMALINK_START);
  return isMatrixPermalink(word) || (start > 0 && isMatrixPermalink(word.slice(start)));
}

export interface TextRun {
  text: string;
  permalink: boolean;
}

/** Splits text into runs, marking the ones a client could turn into a pill. */
export function splitPermalinks(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let last = 0;
  for (const m of text.matchAll(PERMALINK_IN_TEXT)) {
    if (!isPermalinkWord(m[0])) continue;
    if (m.index > last) runs.push({ text: text.slice(last, m.index), permalink: false });
    runs.push({ text: m[0], permalink: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), permalink: false });
  return runs;
}

/** True when `text` holds anything `splitPermalinks` would mark. */
export function hasPermalinkText(text: string): boolean {
  return splitPermalinks(text).some((r) => r.permalink);
}
