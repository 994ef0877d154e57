/**
 * Files and avatars served by a platform's own server at a configured URL (which may carry a
 * path prefix): the rule that admits one route there, and the checked download from it, the
 * bot's credentials sent only where that rule allows.
 */
import type { Download } from './contract.js';
import { fetchPlatformFile } from './file-fetch.js';
import { escapeRegExp, type FileUrlRule } from './file-url.js';

/** `route` (a regexp source, anchored here) under the server URL's path, credentials allowed. */
export function serverRouteRule(serverUrl: string, route: string, query = false): FileUrlRule {
  const base = new URL(serverUrl);
  const prefix = escapeRegExp(base.pathname.replace(/\/+$/, ''));
  return { origin: base.origin, path: new RegExp(`^${prefix}${route}$`), query, credentials: true };
}

export interface ServerFileRequest {
  /** Where the request (and every redirect hop) may go. */
  rule: FileUrlRule;
  credentials: Record<string, string>;
  maxBytes: number;
  /** The platform's name, for error messages. */
  platform: string;
}

/** `path` on the server at `serverUrl`, fetched and checked hop by hop (see fetchPlatformFile). */
export async function fetchServerFile(
  serverUrl: string,
  path: string,
  r: ServerFileRequest,
): Promise<Download> {
  const got = await fetchPlatformFile(`${serverUrl.replace(/\/+$/, '')}${path}`, {
    rules: [r.rule],
    credentials: r.credentials,
    maxBytes: r.maxBytes,
    platform: r.platform,
  });
  return { data: got.data, mimetype: got.mimetype };
}
