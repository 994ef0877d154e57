import WebSocket from 'ws';
import type { Logger } from 'pino';
import {
  errorMessage,
  OrderedTasks,
  parseJsonObject,
  Reconnector,
} from '../../src/connector/index.js';

export interface SocketEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: { channel_id?: string; user_id?: string; team_id?: string };
  seq: number;
}

export interface SocketHandlers {
  /** Called once authenticated, before any event: time to resync missed posts. */
  onConnected(): Promise<void>;
  /** Events in server order; the next one is not delivered until this resolves. */
  onEvent(event: SocketEvent): Promise<void>;
  onDisconnected(reason: string, authFailed: boolean): void;
}

const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const MAX_BACKOFF_MS = 60_000;
const RECONNECT_BACKOFF = { initialMs: 500, maxMs: MAX_BACKOFF_MS, minMs: 250 };

/**
 * The Mattermost event WebSocket: authentication challenge, `seq` checking (a gap means
 * events were lost, so reconnect and resync), ordered delivery, reconnect with backoff.
 */
export class MattermostSocket {
  private ws: WebSocket | undefined;
  private readonly reconnect = new Reconnector(RECONNECT_BACKOFF, () => this.connect());
  private expectedSeq = 0;
  /** A failure to record an event must not be skipped over: resync from the cursor. */
  private readonly tasks = new OrderedTasks((err) => {
    this.log.warn({ err: errorMessage(err) }, 'could not process an event; reconnecting to resync');
    this.ws?.terminate();
  });

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly handlers: SocketHandlers,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.reconnect.start();
  }

  async stop(): Promise<void> {
    this.reconnect.stop();
    this.ws?.terminate();
    await this.tasks.idle();
  }

  private connect(): void {
    const url = `${this.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/v4/websocket`;
    const ws = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 10_000 });
    this.ws = ws;
    this.expectedSeq = 0;
    let authenticated = false;
    let authFailed = false;

    ws.on('open', () => {
      ws.send(
        JSON.stringify({ action: 'authentication_challenge', seq: 1, data: { token: this.token } }),
      );
    });
    ws.on('message', (raw) => {
      const msg = parseJsonObject(raw.toString());
      if (!msg) return this.log.warn('ignoring a WebSocket frame that is not a JSON object');
      if (msg.seq_reply === 1) {
        if (msg.status === 'OK') {
          authenticated = true;
          this.reconnect.connected();
          this.tasks.run(() => this.handlers.onConnected());
        } else {
          authFailed = true;
          ws.close(4001, 'authentication failed');
        }
        return;
      }
      if (typeof msg.event !== 'string' || typeof msg.seq !== 'number') return;
      if (msg.seq !== this.expectedSeq) {
        this.log.warn(
          { expected: this.expectedSeq, got: msg.seq },
          'WebSocket sequence gap; reconnecting to resync',
        );
        ws.terminate();
        return;
      }
      this.expectedSeq++;
      const event = msg as unknown as SocketEvent;
      if (!authenticated && event.event !== 'hello') return;
      this.tasks.run(() => this.handlers.onEvent(event));
    });
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'WebSocket error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      // The bridge closed it (stop): not a lost connection to report or retry.
      if (this.reconnect.stopped) return;
      const why = authFailed
        ? 'authentication failed: check the bot token'
        : `closed (${code} ${reason.toString()})`;
      this.handlers.onDisconnected(why, authFailed);
      // A refused token is not retried quickly: it will not change by itself.
      this.reconnect.retry(authFailed ? MAX_BACKOFF_MS : 0);
    });
  }
}
