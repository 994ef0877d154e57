/**
 * Text pieces that writers of Markdown-like dialects share: a link label as plain text,
 * escaping that leaves URLs alone (so the platform still links them), a link destination
 * without the characters that would end it, the fence a code span or block needs, and
 * `@username` mentions.
 */
import type { Inline, MentionTarget } from '../model/message.js';
import type { MentionInline } from './markdown-writer.js';

/**
 * The plain text of inlines (to compare a link's label with its target): text and code as
 * they are, formatting by its content, anything else as `other` says (by default a NUL, which
 * no URL contains, so such a label never equals its target).
 */
export function plainLabel(
  inlines: readonly Inline[],
  other: (node: Inline) => string = () => '\u0000',
): string {
  return inlines
    .map((n) =>
      n.type === 'text' || n.type === 'code'
        ? n.text
        : 'children' in n
          ? plainLabel(n.children, other)
          : other(n),
    )
    .join('');
}

/**
 * `text` (line endings made `\n`) with `escape` applied around every match of `urls` (a
 * global regexp); the URLs themselves stay as typed. `beforeUrl` may rewrite what was written
 * so far, right before a URL is added.
 */
export function escapeAroundUrls(
  text: string,
  urls: RegExp,
  escape: (segment: string) => string,
  beforeUrl: (written: string) => string = (written) => written,
): string {
  let out = '';
  let last = 0;
  const src = text.replace(/\r\n?/g, '\n');
  for (const m of src.matchAll(urls)) {
    out = beforeUrl(out + escape(src.slice(last, m.index)));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + escape(src.slice(last));
}

/** `href` with each character matched by `chars` (a global regexp) percent-encoded, parentheses too. */
export function percentEncodeChars(href: string, chars: RegExp): string {
  return href.replace(chars, (c) =>
    encodeURIComponent(c).replace(/\(/g, '%28').replace(/\)/g, '%29'),
  );
}

/** The longest run of `ch` in `text` (a fence must be longer). */
export function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * A mention as `@username` when the platform has a username for its target that `valid`
 * accepts; otherwise the name alone, escaped, so it notifies nobody. In a link label, always
 * the name (a mention cannot be part of a link).
 */
export function usernameMention(
  node: MentionInline,
  inLink: boolean,
  usernameFor: (target: MentionTarget) => string | undefined,
  valid: RegExp,
  escape: (text: string) => string,
): string {
  const username = inLink ? undefined : usernameFor(node.target);
  if (username !== undefined && valid.test(username)) return `@${username}`;
  return escape(node.text.replace(/^@+/, ''));
}
