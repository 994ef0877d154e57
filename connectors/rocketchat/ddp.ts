import type { Logger } from 'pino';
import WebSocket from 'ws';
import { EventSocket } from '../../src/connector/index.js';

export interface DdpHandlers {
  /** Logged in after a (re)connect; subscribe and catch up here. Events wait until it resolves. */
  onReady(): Promise<void>;
  /** A stream event (`changed` on a `stream-*` collection), in server order, one at a time. */
  onStreamEvent(collection: string, eventName: string, args: unknown[]): Promise<void>;
  onDisconnected(reason: string, authFailed: boolean): void;
}

export interface DdpOptions {
  /** Send a ping after this much silence (default 25 s). */
  pingIntervalMs?: number;
  /** Give up on a connection that stays silent this long after a ping (default 10 s). */
  pongTimeoutMs?: number;
}

const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const RECONNECT_BACKOFF = { initialMs: 500, maxMs: 60_000, minMs: 250 };
const AUTH_RETRY_MS = 60_000;
const SUB_TIMEOUT_MS = 15_000;

type Frame = Record<string, unknown>;
type SubResult = { ok: true } | { ok: false; reason: string };

const errorText = (e: unknown): string => {
  if (typeof e !== 'object' || e === null) return 'no reason given';
  const err = e as { reason?: unknown; message?: unknown; error?: unknown };
  return String(err.reason ?? err.message ?? err.error ?? 'no reason given').slice(0, 200);
};

/** One socket and its login: a later socket's frames never count for an earlier one. */
interface Connection {
  ws: WebSocket;
  loginId: string;
  authFailed: boolean;
}

/**
 * Rocket.Chat realtime over DDP (Meteor's protocol) on `/websocket`: connect, resume login with
 * the bot's token, keepalive pings, stream subscriptions, reconnect with backoff. Frames that
 * are not JSON or not understood are logged and skipped; they never end the connection.
 *
 * (@rocket.chat/ddp-client is made for the browser: it throws out of the socket's message
 * handler on a malformed frame and stops reconnecting after a retry budget, neither of which
 * a long-running bridge can have.)
 */
export class DdpClient extends EventSocket {
  private counter = 0;
  private keepalive: NodeJS.Timeout | undefined;
  private lastFrameAt = 0;
  private pingSentAt = 0;
  private readonly pendingSubs = new Map<string, (r: SubResult) => void>();
  /** `${name}|${eventName}` → subscription id, for the current connection. */
  private readonly subs = new Map<string, string>();
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  /** The current socket's login. */
  private conn: Connection | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly handlers: DdpHandlers,
    log: Logger,
    opts: DdpOptions = {},
  ) {
    super(log, {
      name: 'DDP',
      backoff: RECONNECT_BACKOFF,
      maxFrameBytes: MAX_FRAME_BYTES,
      handshakeTimeoutMs: 15_000,
      // An event that could not be recorded must not be skipped: reconnect and catch up.
      failure: 'could not process a realtime event; reconnecting to catch up',
    });
    this.pingIntervalMs = opts.pingIntervalMs ?? 25_000;
    this.pongTimeoutMs = opts.pongTimeoutMs ?? 10_000;
  }

  protected override onStop(): void {
    clearInterval(this.keepalive);
    for (const finish of [...this.pendingSubs.values()]) finish({ ok: false, reason: 'stopped' });
    this.subs.clear();
  }

  protected override onAnyFrame(): void {
    this.lastFrameAt = Date.now();
    this.pingSentAt = 0;
  }

  /** Runs `task` in line with stream events (after those already queued, before later ones). */
  run(task: () => Promise<void>): void {
    this.tasks.run(task);
  }

  /** Subscribes on the current connection; resolves once the server says ready or nosub. */
  subscribe(name: string, eventName: string): Promise<SubResult> {
    const ws = this.ws;
    const key = `${name}|${eventName}`;
    if (!ws || ws.readyState !== WebSocket.OPEN)
      return Promise.resolve({ ok: false, reason: 'not connected' });
    if (this.subs.has(key)) return Promise.resolve({ ok: true });
    const id = `sub-${++this.counter}`;
    this.subs.set(key, id);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => finish({ ok: false, reason: 'no answer from the server' }),
        SUB_TIMEOUT_MS,
      );
      const finish = (r: SubResult) => {
        clearTimeout(timer);
        this.pendingSubs.delete(id);
        if (!r.ok && this.subs.get(key) === id) this.subs.delete(key);
        resolve(r);
      };
      this.pendingSubs.set(id, finish);
      this.send({ msg: 'sub', id, name, params: [eventName, { useCollection: false, args: [] }] });
    });
  }

  private send(frame: Frame): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  protected connect(): void {
    const url = `${this.baseUrl.replace(/^http/i, 'ws').replace(/\/+$/, '')}/websocket`;
    let ws: WebSocket;
    try {
      ws = this.openSocket(url);
    } catch (err) {
      this.handlers.onDisconnected(`cannot open ${url}: ${(err as Error).message}`, false);
      this.reconnect.retry();
      return;
    }
    this.subs.clear();
    this.conn = { ws, loginId: `login-${++this.counter}`, authFailed: false };
    ws.on('open', () => {
      this.lastFrameAt = Date.now();
      this.send({ msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1'] });
      this.startKeepalive(ws);
    });
  }

  protected onFrame(_ws: WebSocket, f: Frame): void {
    if (this.conn) this.onDdpFrame(this.conn, f);
  }

  private onDdpFrame(conn: Connection, f: Frame): void {
    switch (f.msg) {
      case 'connected':
        this.send({
          msg: 'method',
          method: 'login',
          id: conn.loginId,
          params: [{ resume: this.token }],
        });
        return;
      case 'failed':
        this.log.warn({ version: f.version }, 'the server does not speak DDP version 1');
        conn.ws.terminate();
        return;
      case 'result':
        return this.onResult(conn, f);
      case 'ping':
        this.send(f.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: f.id });
        return;
      case 'ready':
        for (const id of Array.isArray(f.subs) ? f.subs : [])
          this.pendingSubs.get(String(id))?.({ ok: true });
        return;
      case 'nosub':
        return this.onNosub(f);
      case 'changed':
        return this.onChanged(f);
      case 'error':
        this.log.warn({ reason: errorText(f) }, 'the server reported a DDP error');
        return;
      case 'pong':
      case 'updated':
      case 'added':
      case 'removed':
      case undefined: // the initial {server_id} frame
        return;
      default:
        this.log.warn({ msg: String(f.msg).slice(0, 40) }, 'ignoring an unknown DDP message type');
    }
  }

  /** The answer to a method call; only the login's matters. */
  private onResult(conn: Connection, f: Frame): void {
    if (f.id !== conn.loginId) return;
    if (f.error !== undefined) {
      conn.authFailed = true;
      this.log.warn({ reason: errorText(f.error) }, 'DDP login refused');
      conn.ws.close(4001, 'login refused');
      return;
    }
    this.reconnect.connected();
    this.tasks.run(() => this.handlers.onReady());
  }

  protected onClosed(_ws: WebSocket, code: number): void {
    const authFailed = this.conn?.authFailed ?? false;
    clearInterval(this.keepalive);
    for (const finish of [...this.pendingSubs.values()])
      finish({ ok: false, reason: 'disconnected' });
    this.subs.clear();
    const why = authFailed
      ? 'login refused: check the bot token (connectors.rocketchat token)'
      : `connection closed (${code})`;
    this.handlers.onDisconnected(why, authFailed);
    // A refused login is not retried quickly: the token will not change by itself.
    this.reconnect.retry(authFailed ? AUTH_RETRY_MS : 0);
  }

  private onNosub(f: Frame): void {
    const id = String(f.id ?? '');
    const reason = f.error === undefined ? 'not allowed to read this room' : errorText(f.error);
    const pending = this.pendingSubs.get(id);
    if (pending) return pending({ ok: false, reason });
    for (const [key, subId] of this.subs) {
      if (subId !== id) continue;
      this.subs.delete(key);
      this.log.warn({ subscription: key, reason }, 'the server ended a subscription');
    }
  }

  private onChanged(f: Frame): void {
    const collection = f.collection;
    const fields = f.fields as { eventName?: unknown; args?: unknown } | undefined;
    if (typeof collection !== 'string' || !collection.startsWith('stream-')) return;
    if (typeof fields?.eventName !== 'string' || !Array.isArray(fields.args)) {
      this.log.warn({ collection }, 'ignoring a stream event without eventName/args');
      return;
    }
    const eventName = fields.eventName;
    const args = fields.args as unknown[];
    this.tasks.run(() => this.handlers.onStreamEvent(collection, eventName, args));
  }

  private startKeepalive(ws: WebSocket): void {
    clearInterval(this.keepalive);
    const tick = Math.max(50, Math.min(this.pingIntervalMs, this.pongTimeoutMs) / 2);
    this.keepalive = setInterval(() => {
      if (this.ws !== ws) return;
      const now = Date.now();
      if (this.pingSentAt > 0 && now - this.pingSentAt > this.pongTimeoutMs) {
        this.log.warn('no answer to a DDP ping; reconnecting');
        ws.terminate();
      } else if (this.pingSentAt === 0 && now - this.lastFrameAt >= this.pingIntervalMs) {
        this.pingSentAt = now;
        this.send({ msg: 'ping', id: `ping-${++this.counter}` });
      }
    }, tick);
    this.keepalive.unref();
  }
}
