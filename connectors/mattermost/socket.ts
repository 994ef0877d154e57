import type WebSocket from 'ws';
import type { Logger } from 'pino';
import { EventSocket } from '../../src/connector/index.js';

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
export class MattermostSocket extends EventSocket {
  private expectedSeq = 0;
  private authenticated = false;
  private authFailed = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly handlers: SocketHandlers,
    log: Logger,
  ) {
    super(log, {
      name: 'WebSocket',
      backoff: RECONNECT_BACKOFF,
      maxFrameBytes: MAX_FRAME_BYTES,
      handshakeTimeoutMs: 10_000,
      // A failure to record an event must not be skipped over: resync from the cursor.
      failure: 'could not process an event; reconnecting to resync',
    });
  }

  protected connect(): void {
    const url = `${this.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/v4/websocket`;
    const ws = this.openSocket(url);
    this.expectedSeq = 0;
    this.authenticated = false;
    this.authFailed = false;
    ws.on('open', () => {
      ws.send(
        JSON.stringify({ action: 'authentication_challenge', seq: 1, data: { token: this.token } }),
      );
    });
  }

  protected onFrame(ws: WebSocket, msg: Record<string, unknown>): void {
    if (msg.seq_reply === 1) {
      if (msg.status === 'OK') {
        this.authenticated = true;
        this.reconnect.connected();
        this.tasks.run(() => this.handlers.onConnected());
      } else {
        this.authFailed = true;
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
    if (!this.authenticated && event.event !== 'hello') return;
    this.tasks.run(() => this.handlers.onEvent(event));
  }

  protected onClosed(_ws: WebSocket, code: number, reason: string): void {
    // The bridge closed it (stop): not a lost connection to report or retry.
    if (this.reconnect.stopped) return;
    const why = this.authFailed
      ? 'authentication failed: check the bot token'
      : `closed (${code} ${reason})`;
    this.handlers.onDisconnected(why, this.authFailed);
    // A refused token is not retried quickly: it will not change by itself.
    this.reconnect.retry(this.authFailed ? MAX_BACKOFF_MS : 0);
  }
}
