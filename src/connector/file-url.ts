/**
 * Which URLs a connector may download a platform file from. A message names files; the
 * bridge must fetch only the platform's own file endpoint on the configured host, never a
 * place a sender chose (another host, a look-alike, loopback, another path of the same host),
 * and never send the bot's credentials anywhere else. Every connector checks each URL it is
 * about to request, and every redirect hop, against its rules here.
 */
import { BridgeError } from '../util/errors.js';

/** One place files may come from. */
export interface FileUrlRule {
  /**
   * Scheme, host and port, e.g. `https://files.chat.example`. A host `*.files.example` allows
   * exactly one label in front (`agency.files.example`), never a deeper name.
   */
  origin: string;
  /** Matched against the whole path as received (still percent-encoded). Anchor it. */
  path: RegExp;
  /** Whether a query string is allowed (pre-authenticated download links carry one). */
  query?: boolean;
  /** Whether the bot's credentials may go with a request to a URL this rule admits. */
  credentials: boolean;
}

/** A file the bridge will not download; the message crosses with a note instead. */
export class FileRefusedError extends BridgeError {
  constructor(readonly reason: string) {
    super('FILE_REFUSED', refusalNote(reason));
  }
}

/** The words a room sees for a file that was not fetched. */
export function refusalNote(reason: string, name?: string): string {
  const what = name ? `file ${name}` : 'an attachment';
  return `(${what} was not bridged: ${reason}; only files the platform itself attached to the message are fetched)`;
}

/** Longer URLs are refused outright: no platform file URL comes near it. */
export const MAX_FILE_URL_LENGTH = 2048;

// Encoded dot, slash, backslash, percent (double encoding) and NUL can smuggle a path past
// a pattern that the server then decodes into something else.
const SMUGGLED_IN_PATH = /%(2e|2f|5c|25|00)/i;
const AUTHORITY_AND_PATH = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i;

export interface CheckedFileUrl {
  url: URL;
  rule: FileUrlRule;
}

/** The rule `raw` satisfies, or a FileRefusedError saying why none does. */
export function checkFileUrl(raw: unknown, rules: readonly FileUrlRule[]): CheckedFileUrl {
  const url = parseStrict(raw);
  for (const rule of rules) {
    if (!originMatches(url, rule.origin)) continue;
    if (!rule.path.test(url.pathname)) continue;
    if (url.search !== '' && !rule.query) continue;
    return { url, rule };
  }
  throw new FileRefusedError(`${describe(url)} is not the platform's file endpoint`);
}

/** Parses a URL, refusing every form whose meaning the parser would change or hide. */
function parseStrict(raw: unknown): URL {
  if (typeof raw !== 'string' || raw === '') throw new FileRefusedError('no file URL');
  if (raw.length > MAX_FILE_URL_LENGTH) throw new FileRefusedError('the file URL is too long');
  // Whitespace, control characters, non-ASCII (IDN look-alikes) and backslashes.
  if (!/^[\x21-\x7e]+$/.test(raw) || raw.includes('\\'))
    throw new FileRefusedError('the file URL has characters a URL does not carry');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FileRefusedError('the file URL is malformed');
  }
  const [, authority = '', rawPath = ''] = AUTHORITY_AND_PATH.exec(raw) ?? [];
  if (url.username !== '' || url.password !== '' || authority.includes('@'))
    throw new FileRefusedError(`${describe(url)} carries a user name`);
  if (url.hash !== '' || raw.includes('#'))
    throw new FileRefusedError(`${describe(url)} has a fragment`);
  // The parser resolves dot segments; a path it rewrote is not the path the sender wrote.
  if (rawPath !== url.pathname || SMUGGLED_IN_PATH.test(rawPath))
    throw new FileRefusedError(`${describe(url)} has an encoded or relative path`);
  return url;
}

function originMatches(url: URL, ruleOrigin: string): boolean {
  const wildcard = /^([a-z]+:\/\/)\*\.(.+)$/i.exec(ruleOrigin);
  if (!wildcard) return url.origin === new URL(ruleOrigin).origin;
  const base = new URL(`${wildcard[1]}${wildcard[2]}`);
  if (url.protocol !== base.protocol || url.port !== base.port) return false;
  const suffix = `.${base.hostname}`;
  if (!url.hostname.endsWith(suffix)) return false;
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(url.hostname.slice(0, -suffix.length));
}

/** Scheme and host only: paths and queries may hold pre-authenticated tokens. */
export function describe(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** `text` as a literal inside a RegExp (for building path rules from a configured base URL). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
