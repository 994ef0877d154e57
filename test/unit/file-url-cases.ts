/**
 * Hostile file references shared by the connectors' file tests: ids and URLs a sender (or a
 * tampered answer) could use to point a download elsewhere, and a server that records any
 * request that reaches "elsewhere" (it must see none).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';

/** File ids that are not a platform's own id for a file. */
export const HOSTILE_FILE_IDS: Array<[string, string]> = [
  ['empty', ''],
  ['dot-dot', '..'],
  ['relative path', '../../api/v4/users/me'],
  ['slash inside', 'abc/def'],
  ['encoded dot-dot', '%2e%2e%2fapi'],
  ['encoded slash', '..%2f..%2fapi'],
  ['backslash', '..\\..\\api'],
  ['absolute URL', 'https://evil.example/x'],
  ['scheme-relative URL', '//evil.example/x'],
  ['query', 'F0123456789?x=1'],
  ['fragment', 'F0123456789#x'],
  ['whitespace', 'F012 3456'],
  ['NUL', 'F0123\u0000456'],
  ['very long', 'F'.repeat(5000)],
];

/** Variants of `good` (a file URL the platform would give) that point somewhere else. */
export function hostileUrls(good: string, elsewhere: string): Array<[string, string]> {
  const u = new URL(good);
  const path = u.pathname;
  const dir = path.slice(0, path.lastIndexOf('/'));
  const file = path.slice(path.lastIndexOf('/') + 1);
  const other = u.protocol === 'https:' ? 'http:' : 'https:';
  return [
    ['another server (127.0.0.1, other port)', `${elsewhere}${path}`],
    ['another host', `${u.protocol}//evil.example${path}`],
    ['look-alike host', `${u.protocol}//${u.hostname}.evil.example${path}`],
    ['userinfo: good@evil', `${u.protocol}//${u.host}@evil.example${path}`],
    ['userinfo: evil@good', `${u.protocol}//evil@${u.host}${path}`],
    ['other scheme', `${other}//${u.host}${path}`],
    ['other port', `${u.protocol}//${u.hostname}:1${path}`],
    ['localhost alias', `${u.protocol}//localhost:${u.port || 443}${path}`],
    ['metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['dot-dot in path', `${u.origin}${dir}/../../api/x/${file}`],
    ['encoded dot-dot', `${u.origin}${dir}/%2e%2e/%2e%2e/api/${file}`],
    ['encoded slash', `${u.origin}${dir}/..%2f..%2fapi%2f${file}`],
    ['double encoding', `${u.origin}${dir}/%252e%252e/${file}`],
    ['backslashes', `${u.origin}${dir.replace(/\//g, '\\')}\\${file}`],
    ['another path on the same host', `${u.origin}/api/secret`],
    ['very long', `${u.origin}${dir}/${'a'.repeat(5000)}`],
  ];
}

export interface Elsewhere {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** A server standing for "another host": it records every request and serves bait. */
export async function startElsewhere(): Promise<Elsewhere> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.url} auth=${req.headers.authorization ?? req.headers['x-auth-token'] ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('bait');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Makes the platform answer requests whose path matches `path` with a redirect to `location`
 * (as a compromised or misconfigured file store would); every other request goes through.
 */
export function redirectDownloads(path: RegExp, location: string) {
  const real = globalThis.fetch;
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (path.test(new URL(url).pathname)) {
      return new Response(null, { status: 302, headers: { location } });
    }
    return real(input, init);
  });
}
