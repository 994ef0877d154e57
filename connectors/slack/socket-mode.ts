import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import {
  type ConnectionState,
  errorMessage,
  EventSocket,
  retryAfterFromSeconds,
} from '../../src/connector/index.js';
import { slackLogger } from './api.js';
import { AUTH_ERRORS, slackErrorCode } from './errors.js';
import { isEventCallback, type EventCallback } from './types.js';

export interface SocketHandlers {
  /** The connection is up (`hello`): time to catch up; later envelopes wait for this. */
  onHello(): Promise<void>;
  /** Resolves once the event is durably recorded; only then is the envelope acknowledged. */
  onEvent(payload: EventCallback, retryAttempt: number): Promise<void>;
  onState(state: ConnectionState): void;
}

const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const RECONNECT_BACKOFF = { initialMs: 500, maxMs: 60_000 };
/** Slack pings every few seconds; this long without a frame means a dead connection. */
const SILENCE_LIMIT_MS = 45_000;

/**
 * Socket Mode, implemented on `ws` rather than @slack/socket-mode so that an envelope is
 * acknowledged only after its event is recorded, events are handled strictly in arrival
 * order, and a failure to record one reconnects (and resyncs from the cursor) instead of
 * acknowledging it.
 */
export class SocketModeLink extends EventSocket {
  private watchdog: NodeJS.Timeout | undefined;
  private lastFrame = 0;
  private readonly opener: WebClient;

  constructor(
    appToken: string,
    apiUrl: string,
    private readonly handlers: SocketHandlers,
    log: Logger,
  ) {
    super(log, {
      name: 'Socket Mode',
      backoff: RECONNECT_BACKOFF,
      // The first reconnect is immediate: Slack's own `disconnect` asks for exactly that.
      reconnect: { firstRetryAtOnce: true },
      maxFrameBytes: MAX_FRAME_BYTES,
      handshakeTimeoutMs: 10_000,
      // A failure to record an event drops the connection (unacknowledged; resync follows).
      failure: 'could not record a Slack event; reconnecting to resync',
    });
    this.opener = new WebClient(appToken, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 15_000,
      logger: slackLogger(log),
    });
  }

  protected override onStop(): void {
    clearInterval(this.watchdog);
  }

  protected override onAnyFrame(): void {
    this.lastFrame = Date.now();
  }

  protected async connect(): Promise<void> {
    let url: string;
    try {
      const res = await this.opener.apps.connections.open();
      if (!res.url) throw new Error('apps.connections.open answered no URL');
      url = res.url;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && AUTH_ERRORS.has(code)) {
        this.handlers.onState({
          status: 'bad_credentials',
          error: `Slack refused the app-level token (${code}): check app_token (needs connections:write)`,
        });
        return;
      }
      const retryAfter = retryAfterFromSeconds((err as { retryAfter?: unknown }).retryAfter);
      this.handlers.onState({
        status: 'retrying',
        error: `could not open a Socket Mode connection: ${code ?? errorMessage(err)}`,
      });
      this.reconnect.retry(retryAfter);
      return;
    }
    if (this.reconnect.stopped) return;
    this.open(url);
  }

  private open(url: string): void {
    const ws = this.openSocket(url);
    this.lastFrame = Date.now();
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (this.ws === ws && Date.now() - this.lastFrame > SILENCE_LIMIT_MS) {
        this.log.warn('Socket Mode connection went silent; reconnecting');
        ws.terminate();
      }
    }, 5000);
    this.watchdog.unref();
    ws.on('ping', () => (this.lastFrame = Date.now()));
    ws.on('pong', () => (this.lastFrame = Date.now()));
  }

  protected onClosed(_ws: WebSocket, code: number): void {
    if (this.reconnect.stopped) return;
    this.handlers.onState({
      status: 'retrying',
      error: `Socket Mode connection closed (${code})`,
    });
    this.reconnect.retry();
  }

  protected onFrame(ws: WebSocket, msg: Record<string, unknown>): void {
    switch (msg.type) {
      case 'hello':
        this.reconnect.connected();
        this.enqueue(ws, () => this.handlers.onHello());
        return;
      case 'disconnect': {
        const reason = typeof msg.reason === 'string' ? msg.reason : 'unknown';
        this.log.debug({ reason }, 'Slack asked to reconnect');
        if (reason === 'link_disabled') {
          this.handlers.onState({
            status: 'retrying',
            error: 'Socket Mode is turned off for the Slack app',
          });
        }
        // Events already received still get handled and acknowledged before the close.
        this.enqueue(ws, async () => ws.close(1000, 'reconnecting'));
        return;
      }
      case 'events_api': {
        const id = msg.envelope_id;
        const payload = msg.payload;
        if (typeof id !== 'string') return;
        if (!isEventCallback(payload)) {
          this.log.warn({ envelope: id }, 'acknowledging a malformed events_api envelope');
          this.ack(ws, id);
          return;
        }
        const retry = typeof msg.retry_attempt === 'number' ? msg.retry_attempt : 0;
        this.enqueue(ws, async () => {
          await this.handlers.onEvent(payload, retry);
          this.ack(ws, id);
        });
        return;
      }
      default:
        // Slash commands and interactions are not used by the bridge: acknowledge and drop.
        if (typeof msg.envelope_id === 'string') this.ack(ws, msg.envelope_id);
    }
  }

  private ack(ws: WebSocket, envelopeId: string): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ envelope_id: envelopeId }));
  }

  /** Runs tasks of this connection in order; those of a connection since replaced are dropped. */
  private enqueue(ws: WebSocket, task: () => Promise<void>): void {
    this.tasks.run(async () => {
      if (this.ws === ws && !this.reconnect.stopped) await task();
    });
  }
}
