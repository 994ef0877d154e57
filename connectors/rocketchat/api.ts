import {
  type Download,
  RatePacer,
  RemoteApiError,
  retryAfterFromHeaders,
} from '../../src/connector/index.js';
import { downloadAvatar, downloadUpload } from './files.js';

const REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_MS = 1000;

/** A Rocket.Chat REST failure, with the server's `errorType` (e.g. `invalid-params`) when it sent one. */
export class RocketChatApiError extends RemoteApiError {
  constructor(
    opts: ConstructorParameters<typeof RemoteApiError>[0],
    readonly serverError: string,
    readonly errorType: string | undefined,
  ) {
    super(opts);
  }
}

/**
 * When a 429 may be retried: the larger of Retry-After and X-RateLimit-Reset, which
 * Rocket.Chat sends as epoch milliseconds; a second when it says nothing usable (a 429 is
 * never retried at once).
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number {
  const wait = retryAfterFromHeaders(headers, { reset: 'epoch-ms', now });
  return wait ? wait : DEFAULT_RETRY_MS;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Rocket.Chat REST (`/api/v1`) with the bot's personal access token. Every failure becomes a
 * RemoteApiError: 429 and 5xx retryable (429 with the server's reset time), the rest not.
 */
export class RocketChatApi {
  readonly baseUrl: string;
  /** Rocket.Chat limits each endpoint per user: a 429 holds the bot's calls to it for the reset. */
  private readonly limits = new RatePacer({ limits: [], label: 'Rocket.Chat' });

  constructor(
    baseUrl: string,
    private readonly userId: string,
    private readonly token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'X-User-Id': this.userId,
      'X-Auth-Token': this.token,
      Accept: 'application/json',
      ...extra,
    };
  }

  get<T>(endpoint: string, query: Query = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const suffix = qs.size > 0 ? `?${qs}` : '';
    return this.call<T>(endpoint, { method: 'GET', headers: this.headers() }, suffix);
  }

  post<T>(endpoint: string, body: unknown): Promise<T> {
    return this.call<T>(endpoint, {
      method: 'POST',
      headers: this.headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    });
  }

  /** rooms.media/:rid: stores a file for the room; it appears once confirmed. */
  upload(
    rid: string,
    file: { name: string; type: string; data: Buffer },
  ): Promise<{ file?: { _id?: string } }> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
    return this.call(`rooms.media/${encodeURIComponent(rid)}`, {
      method: 'POST',
      headers: this.headers(),
      body: form,
    });
  }

  private async call<T>(endpoint: string, init: RequestInit, suffix = ''): Promise<T> {
    const res = await this.fetch(`${this.baseUrl}/api/v1/${endpoint}${suffix}`, init, endpoint);
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      body = {};
    }
    if (res.ok && body.success !== false) return body as T;
    throw this.failure(res, body, endpoint);
  }

  private async fetch(url: string, init: RequestInit, what: string): Promise<Response> {
    await this.limits.take(what);
    try {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.status === 429) this.limits.pause(what, retryAfterMs(res.headers));
      return res;
    } catch (err) {
      throw new RemoteApiError({
        message: `Rocket.Chat is unreachable (${what}): ${(err as Error).message}`,
        retryable: true,
        cause: err,
      });
    }
  }

  private failure(
    res: Response,
    body: Record<string, unknown>,
    endpoint: string,
  ): RocketChatApiError {
    const serverError =
      typeof body.error === 'string'
        ? body.error
        : typeof body.message === 'string'
          ? body.message
          : res.statusText;
    const errorType = typeof body.errorType === 'string' ? body.errorType : undefined;
    const status = res.status === 200 ? 400 : res.status;
    const retryable = status === 429 || status === 408 || status >= 500;
    const message =
      status === 401
        ? `Rocket.Chat refused the bot's credentials on ${endpoint} (401): check user_id and token`
        : `Rocket.Chat answered ${status} on ${endpoint}: ${serverError.slice(0, 300)}`;
    return new RocketChatApiError(
      {
        message,
        status,
        retryable,
        retryAfterMs: status === 429 ? retryAfterMs(res.headers) : undefined,
        code: status === 401 ? 'ROCKETCHAT_AUTH' : undefined,
      },
      serverError,
      errorType,
    );
  }

  /** A message's file by its `/file-upload/<id>/<name>` id, through the checked fetch. */
  downloadFile(fileId: string, maxBytes: number): Promise<Download> {
    return downloadUpload(this.baseUrl, this.headers({ Accept: '*/*' }), fileId, maxBytes);
  }

  /** A user's avatar image, through the checked fetch. */
  downloadAvatar(username: string, maxBytes: number): Promise<Download> {
    return downloadAvatar(this.baseUrl, this.headers({ Accept: '*/*' }), username, maxBytes);
  }
}
