import { createHmac, randomBytes } from 'node:crypto';

export interface HttpEventsOptions {
  /** An answer slower than this counts as failed (`http_timeout`); default 3000 (Slack: 3 s). */
  timeoutMs: number;
  /** Delay before each retry; Slack retries 3 times (at once, after 1 min, after 5 min). */
  retryDelaysMs: number[];
}

export interface DeliveryLogEntry {
  eventId: string;
  appId: string;
  /** 0 for the first attempt, then the `x-slack-retry-num` sent. */
  attempt: number;
  /** HTTP status of the answer, or undefined when there was none. */
  status?: number;
  /** Why the attempt failed: `http_timeout`, `http_error`, `connection_failed`. */
  failure?: string;
}

interface Target {
  appId: string;
  url: string;
  signingSecret: string;
}

/** `v0=` + hex HMAC-SHA256 over `v0:{timestamp}:{body}` with the app's signing secret. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return `v0=${mac}`;
}

/**
 * The Events API over HTTP: each payload is POSTed, signed, to the app's Request URL and
 * retried with `x-slack-retry-num`/`x-slack-retry-reason` when the endpoint fails or is slow.
 * First attempts go out one at a time per app, so a healthy endpoint sees events in order.
 */
export class HttpEventDelivery {
  readonly log: DeliveryLogEntry[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly options: HttpEventsOptions) {}

  deliver(target: Target, payload: Record<string, unknown>): void {
    const body = JSON.stringify(payload);
    const eventId = String(payload.event_id);
    const previous = this.queues.get(target.appId) ?? Promise.resolve();
    const next = previous.then(() => this.attempt(target, body, eventId, 0));
    this.queues.set(target.appId, next);
  }

  /** The `url_verification` handshake Slack does when a Request URL is saved. */
  async verify(target: Target, verificationToken: string): Promise<boolean> {
    const challenge = randomBytes(24).toString('base64url');
    const body = JSON.stringify({ token: verificationToken, challenge, type: 'url_verification' });
    const res = await this.post(target, body, {}).catch(() => undefined);
    if (!res || res.status !== 200) return false;
    const text = await res.text();
    if (text === challenge) return true;
    try {
      return (JSON.parse(text) as { challenge?: unknown }).challenge === challenge;
    } catch {
      return new URLSearchParams(text).get('challenge') === challenge;
    }
  }

  /** Aborts every request in flight (they are retried like any failed attempt). */
  abortInFlight(): void {
    for (const c of this.controllers) c.abort(new Error('connection dropped'));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.abortInFlight();
  }

  private async attempt(target: Target, body: string, eventId: string, n: number): Promise<void> {
    if (this.closed) return;
    const entry: DeliveryLogEntry = { eventId, appId: target.appId, attempt: n };
    this.log.push(entry);
    const retryHeaders: Record<string, string> = {};
    if (n > 0) {
      retryHeaders['x-slack-retry-num'] = String(n);
      retryHeaders['x-slack-retry-reason'] = this.log.findLast(
        (e) => e.eventId === eventId && e.attempt === n - 1,
      )?.failure as string;
    }
    try {
      const res = await this.post(target, body, retryHeaders);
      entry.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status > 299) entry.failure = 'http_error';
    } catch (err) {
      entry.failure = (err as Error).name === 'TimeoutError' ? 'http_timeout' : 'connection_failed';
    }
    if (!entry.failure || n >= this.options.retryDelaysMs.length || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, body, eventId, n + 1);
    }, this.options.retryDelaysMs[n]);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(
    target: Target,
    body: string,
    extra: Record<string, string>,
  ): Promise<Response> {
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    this.controllers.add(controller);
    try {
      return await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(target.signingSecret, timestamp, body),
          ...extra,
        },
        body,
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } finally {
      this.controllers.delete(controller);
    }
  }
}
