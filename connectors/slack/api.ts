import { WebClient, LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from 'pino';
import {
  type Download,
  type FetchedFile,
  fetchPlatformFile,
  type FileUrlRule,
  RatePacer,
  readCapped,
  RemoteApiError,
  retryAfterFromHeaders,
} from '../../src/connector/index.js';
import { toRemoteError } from './errors.js';

/** Longer waits are left to the caller (the core's retry, or the next resync). */
const MAX_WAIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** @slack/web-api's logger interface on top of pino; its chatter stays at debug level. */
export function slackLogger(log: Logger): SlackLogger {
  return {
    debug: (...m: unknown[]) => log.trace({ slack: m.join(' ') }, 'web-api'),
    info: (...m: unknown[]) => log.debug({ slack: m.join(' ') }, 'web-api'),
    warn: (...m: unknown[]) => log.debug({ slack: m.join(' ') }, 'web-api'),
    error: (...m: unknown[]) => log.warn({ slack: m.join(' ') }, 'web-api'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}

export type ApiResult = Record<string, unknown> & { ok: boolean };

/**
 * The Web API through @slack/web-api, with no retries underneath the bridge's own: the
 * WebClient never retries and rejects 429s at once, and the toolkit's pacer keeps a pause per
 * method (Slack limits each method on its own) that later calls wait out. Every failure is a
 * RemoteApiError that says whether and when to retry: the core retries deliveries (in order,
 * with the same message) and the intake its catch-up reads.
 */
export class SlackApi {
  readonly client: WebClient;
  private readonly limits = new RatePacer({ limits: [], label: 'Slack', maxWaitMs: MAX_WAIT_MS });

  constructor(
    private readonly token: string,
    readonly apiUrl: string,
    log: Logger,
  ) {
    this.client = new WebClient(token, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: REQUEST_TIMEOUT_MS,
      logger: slackLogger(log),
    });
  }

  /**
   * One call, after any rate-limit pause of `pauseKey` (a method, or method and channel); a
   * 429 pauses that key for everyone, for as long as Slack's Retry-After says.
   */
  private once(
    method: string,
    args: Record<string, unknown>,
    pauseKey = method,
  ): Promise<ApiResult> {
    return this.limits.run(pauseKey, async () => {
      try {
        return (await this.client.apiCall(method, args)) as ApiResult;
      } catch (err) {
        throw toRemoteError(method, err);
      }
    });
  }

  /** A call that is safe to repeat (the caller's retry may repeat it). */
  read(method: string, args: Record<string, unknown> = {}): Promise<ApiResult> {
    return this.once(method, args);
  }

  /**
   * A call with effects: one attempt, failures thrown as RemoteApiError. `pauseKey` scopes a
   * rate-limit pause (chat.postMessage is limited per channel, not per method).
   */
  write(method: string, args: Record<string, unknown>, pauseKey = method): Promise<ApiResult> {
    return this.once(method, args, pauseKey);
  }

  /** Downloads an image (a profile picture); the bot token is sent only to Slack's own hosts. */
  async download(url: string, maxBytes: number): Promise<Download> {
    const headers: Record<string, string> = {};
    if (this.isSlackHost(url)) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      throw toRemoteError('file download', err);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw RemoteApiError.fromStatus(
        res.status,
        `Slack answered HTTP ${res.status} for a file`,
        retryAfterFromHeaders(res.headers),
      );
    }
    const mimetype = res.headers.get('content-type') ?? 'application/octet-stream';
    if (mimetype.startsWith('text/html')) {
      // Slack answers a download it will not authorise with its sign-in page.
      await res.body?.cancel();
      throw new RemoteApiError({
        message:
          'Slack sent a sign-in page instead of the file: the bot needs the files:read scope',
        retryable: false,
        code: 'SLACK_FILE_REFUSED',
      });
    }
    return { data: await readCapped(res, maxBytes), mimetype };
  }

  /** A message's file through the checked fetch: the token goes only where `rules` allow. */
  downloadChecked(url: string, rules: FileUrlRule[], maxBytes: number): Promise<FetchedFile> {
    return fetchPlatformFile(url, {
      rules,
      credentials: { authorization: `Bearer ${this.token}` },
      maxBytes,
      platform: 'Slack',
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  }

  /** Sends file bytes to an upload URL from files.getUploadURLExternal. */
  async upload(url: string, data: Buffer): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        body: new Uint8Array(data),
        headers: { 'content-type': 'application/octet-stream' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 4),
      });
    } catch (err) {
      throw toRemoteError('file upload', err);
    }
    await res.body?.cancel();
    if (!res.ok)
      throw RemoteApiError.fromStatus(res.status, `Slack refused a file upload (${res.status})`);
  }

  private isSlackHost(url: string): boolean {
    try {
      const host = new URL(url).host;
      return (
        host === new URL(this.apiUrl).host || host === 'slack.com' || host.endsWith('.slack.com')
      );
    } catch {
      return false;
    }
  }
}
