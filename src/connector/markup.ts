/**
 * Small pieces of writing platform markup that every Markdown-like dialect needs.
 */

/**
 * `inner` between two delimiters (`*`, `**`, `~~`…), with its leading and trailing whitespace
 * kept outside: Markdown dialects do not read `* bold *` as emphasis. Whitespace alone stays
 * as it is (no empty emphasis).
 */
export function wrapDelimited(inner: string, delim: string): string {
  const core = inner.trim();
  if (core === '') return inner;
  const lead = inner.slice(0, inner.length - inner.trimStart().length);
  const trail = inner.slice(inner.trimEnd().length);
  return `${lead}${delim}${core}${delim}${trail}`;
}

/** Like wrapDelimited, line by line: for dialects whose emphasis cannot span lines. */
export function wrapEachLine(inner: string, delim: string): string {
  return inner
    .split('\n')
    .map((line) => wrapDelimited(line, delim))
    .join('\n');
}
