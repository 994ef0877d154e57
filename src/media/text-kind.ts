/**
 * Text recognised from its bytes: valid UTF-8 (an optional byte-order mark) with no control
 * characters but tab, line feed, form feed and carriage return. Text that a browser or a
 * shell would run is told apart, so an allow-list of `text/plain` does not admit it.
 */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const decoder = new TextDecoder('utf-8', { fatal: true });
/** Control characters that do not occur in text people write (NUL, escape, DEL, …). */
// eslint-disable-next-line no-control-regex
const BINARY_CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;
/** Markup that runs in a browser, anywhere in the first kilobytes. */
const ACTIVE_MARKUP = /<(?:!doctype\s+html|html|script|svg|iframe|object|embed)\b|<\?xml/i;
const MARKUP_WINDOW = 4096;

export const TEXT_TYPES = {
  plain: 'text/plain',
  html: 'text/html',
  script: 'text/x-script',
} as const;

function decoded(bytes: Buffer): string | undefined {
  const body = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  try {
    return decoder.decode(body);
  } catch {
    return undefined;
  }
}

/** The text type of `bytes`, or undefined when they are not UTF-8 text. */
export function textType(bytes: Buffer): string | undefined {
  const text = decoded(bytes);
  if (text === undefined || text.length === 0 || BINARY_CONTROL.test(text)) return undefined;
  if (text.startsWith('#!')) return TEXT_TYPES.script;
  if (ACTIVE_MARKUP.test(text.slice(0, MARKUP_WINDOW))) return TEXT_TYPES.html;
  return TEXT_TYPES.plain;
}
