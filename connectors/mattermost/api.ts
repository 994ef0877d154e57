import mattermostClient from '@mattermost/client';
import {
  type HeaderSource,
  RatePacer,
  RemoteApiError,
  retryAfterFromHeaders,
} from '../../src/connector/index.js';

// A CommonJS package: Node's ESM loader cannot see its named exports.
const { Client4 } = mattermostClient;

type FetchResult = { response: Response; headers: Map<string, string>; data: unknown };
type FetchFn = (url: string, options: Record<string, unknown>) => Promise<FetchResult>;

/** Retry-After, or the seconds until Mattermost's rate-limit window resets (throttled's header). */
const retryAfterMs = (headers: HeaderSource): number | undefined =>
  retryAfterFromHeaders(headers, { reset: 'seconds-from-now' });

/**
 * Client4 with typed errors: every failure becomes a RemoteApiError that says whether to
 * retry and when (Client4 itself drops the status and Retry-After of a 429).
 */
export class MattermostApi extends Client4 {
  constructor(
    baseUrl: string,
    private readonly bearer: string,
  ) {
    super();
    this.setUrl(baseUrl.replace(/\/$/, ''));
    this.setToken(bearer);
    const self = this as unknown as { doFetchWithResponse: FetchFn };
    const inner = self.doFetchWithResponse;
    const wrapped: FetchFn = async (url, options) => {
      let result: FetchResult;
      try {
        result = await inner(url, { ...options, ignoreStatus: true });
      } catch (err) {
        throw new RemoteApiError({
          message: `Mattermost is unreachable: ${(err as Error).message}`,
          retryable: true,
          cause: err,
        });
      }
      const { response, headers, data } = result;
      if (response.ok) return result;
      const serverMessage =
        typeof data === 'object' &&
        data !== null &&
        typeof (data as { message?: unknown }).message === 'string'
          ? (data as { message: string }).message
          : String(data ?? '').trim();
      throw RemoteApiError.fromStatus(
        response.status,
        `Mattermost answered ${response.status}: ${serverMessage || response.statusText}`,
        retryAfterMs(headers),
      );
    };
    // Mattermost's limiter counts the bot's token as one: a 429 holds every call of it for the
    // server's Retry-After (nothing is retried here; the caller's retry decides).
    const limits = new RatePacer({ limits: [], label: 'Mattermost' });
    self.doFetchWithResponse = (url, options) => limits.run('token', () => wrapped(url, options));
  }
}
