/**
 * Downloads a platform file through `checkFileUrl`: redirects are followed by hand so every
 * hop is checked before it is requested, the bot's credentials go only to hops whose rule
 * allows them, and the body is read up to a bound.
 */
import type { Download } from './contract.js';
import { RemoteApiError } from './errors.js';
import { checkFileUrl, describe, FileRefusedError, type FileUrlRule } from './file-url.js';
import { retryAfterFromHeaders } from './retry-after.js';

export type FileFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface FileFetchOptions {
  /** Where the first URL and every redirect hop may point. */
  rules: readonly FileUrlRule[];
  /** The bot's credentials: sent only to URLs whose rule says `credentials: true`. */
  credentials: Record<string, string>;
  maxBytes: number;
  /** The platform's name, for error messages ("Chat X answered 404 for a file"). */
  platform: string;
  maxRedirects?: number;
  timeoutMs?: number;
  /** The connector's own fetch (e.g. one that trusts an extra CA); default global fetch. */
  fetch?: FileFetch;
}

export const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface FetchedFile extends Download {
  /** The URL the bytes finally came from (after redirects). */
  url: string;
}

/** Fetches `start` and its redirects, each checked against `o.rules`; the body bounded. */
export async function fetchPlatformFile(start: string, o: FileFetchOptions): Promise<FetchedFile> {
  const doFetch = o.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const signal = AbortSignal.timeout(o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let next = start;
  for (let hop = 0; hop <= (o.maxRedirects ?? DEFAULT_MAX_REDIRECTS); hop++) {
    const { url, rule } = checkFileUrl(next, o.rules);
    const headers = rule.credentials ? { ...o.credentials } : {};
    const res = await request(doFetch, url, { headers, redirect: 'manual', signal }, o.platform);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      next = resolveLocation(location, url);
      continue;
    }
    if (!res.ok) throw await failed(res, o.platform);
    const data = await readCapped(res, o.maxBytes);
    const mimetype = res.headers.get('content-type')?.split(';')[0]?.trim();
    return { data, mimetype: mimetype || 'application/octet-stream', url: url.href };
  }
  throw new FileRefusedError(`${o.platform} redirected the download too many times`);
}

async function request(
  doFetch: FileFetch,
  url: URL,
  init: RequestInit,
  platform: string,
): Promise<Response> {
  try {
    return await doFetch(url.href, init);
  } catch (err) {
    throw new RemoteApiError({
      message: `${platform} is unreachable for a file download (${describe(url)}): ${(err as Error).message}`,
      retryable: true,
      cause: err,
    });
  }
}

/** A relative Location is resolved against the hop; the result is checked like any URL. */
function resolveLocation(location: string, base: URL): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) return location;
  // Scheme-relative and backslash forms are left for checkFileUrl to refuse.
  if (location.startsWith('//') || location.includes('\\')) return `${base.protocol}${location}`;
  try {
    const resolved = new URL(location, base);
    // Keep what was written so dot segments and encodings are still seen by the check.
    return location.startsWith('/') ? `${base.origin}${location}` : resolved.href;
  } catch {
    return location;
  }
}

async function failed(res: Response, platform: string): Promise<RemoteApiError> {
  await res.body?.cancel();
  return RemoteApiError.fromStatus(
    res.status,
    `${platform} answered HTTP ${res.status} for a file`,
    retryAfterFromHeaders(res.headers),
  );
}

/** Reads at most `maxBytes`; a larger declared or actual body fails with FILE_TOO_LARGE. */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new RemoteApiError({
      message: `file is over ${maxBytes} bytes`,
      retryable: false,
      code: 'FILE_TOO_LARGE',
    });
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
