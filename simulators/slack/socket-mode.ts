import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { envelopeId, secret } from './ids.js';

export interface SocketModeOptions {
  /** Unacknowledged envelopes are sent again after this long; default 3000 (Slack: 3 s). */
  ackTimeoutMs: number;
  /** Redeliveries before an envelope is dropped; default 3. */
  maxRetries: number;
  /** WebSocket ping frames from the server; default 5000. */
  pingIntervalMs: number;
  /** How long after a `disconnect` frame the server closes the socket itself; default 1000. */
  disconnectGraceMs: number;
}

export interface EnvelopeLogEntry {
  envelopeId: string;
  eventId: string;
  appId: string;
  attempt: number;
  /** Set when the client acknowledged this attempt. */
  acked: boolean;
  /** No connection was open for this attempt. */
  undelivered?: boolean;
}

interface Conn {
  ws: WebSocket;
  appId: string;
  pingTimer: NodeJS.Timeout;
}

interface Pending {
  envelope: Record<string, unknown>;
  eventId: string;
  appId: string;
  attempt: number;
  timer?: NodeJS.Timeout;
  log?: EnvelopeLogEntry;
}

const TICKET_TTL_MS = 30_000;
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Socket Mode: `apps.connections.open` hands out a one-time URL; the socket gets `hello`,
 * then `events_api` envelopes that must be acknowledged with their `envelope_id`, or they
 * come again with `retry_attempt` + 1. Events go to the newest open connection of the app.
 */
export class SocketModeHub {
  readonly log: EnvelopeLogEntry[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly conns: Conn[] = [];
  private readonly tickets = new Map<string, { appId: string; expires: number }>();
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(
    readonly options: SocketModeOptions,
    private readonly hostName: string,
  ) {}

  /** A one-time WebSocket URL for the app (what apps.connections.open answers). */
  openTicket(appId: string, baseUrl: string): string {
    const ticket = secret();
    this.tickets.set(ticket, { appId, expires: Date.now() + TICKET_TTL_MS });
    return `${baseUrl.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${appId}`;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ticket = url.searchParams.get('ticket') ?? '';
    const grant = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (this.closed || !grant || grant.expires < Date.now()) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, grant.appId));
  }

  openConnections(appId?: string): number {
    return this.conns.filter((c) => appId === undefined || c.appId === appId).length;
  }

  private attach(ws: WebSocket, appId: string): void {
    const pingTimer = setInterval(() => ws.ping(), this.options.pingIntervalMs);
    pingTimer.unref();
    const conn: Conn = { ws, appId, pingTimer };
    this.conns.push(conn);
    ws.on('close', () => {
      clearInterval(pingTimer);
      const i = this.conns.indexOf(conn);
      if (i >= 0) this.conns.splice(i, 1);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openConnections(appId),
        debug_info: {
          host: this.hostName,
          build_number: 1,
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: appId },
      }),
    );
  }

  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    const id = (msg as { envelope_id?: unknown })?.envelope_id;
    if (typeof id !== 'string') return;
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    if (p.log) p.log.acked = true;
    this.pending.delete(id);
  }

  /** Sends an Events API payload to the app in an envelope, redelivering until acknowledged. */
  deliver(appId: string, payload: Record<string, unknown>): void {
    const id = envelopeId();
    const p: Pending = {
      envelope: {
        envelope_id: id,
        payload,
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
      },
      eventId: String(payload.event_id),
      appId,
      attempt: 0,
    };
    this.pending.set(id, p);
    this.attempt(id, p);
  }

  private attempt(id: string, p: Pending): void {
    if (this.closed) return;
    p.envelope.retry_attempt = p.attempt;
    p.envelope.retry_reason = p.attempt === 0 ? '' : 'timeout';
    const conn = this.conns.filter((c) => c.appId === p.appId).at(-1);
    p.log = {
      envelopeId: id,
      eventId: p.eventId,
      appId: p.appId,
      attempt: p.attempt,
      acked: false,
      undelivered: conn === undefined,
    };
    this.log.push(p.log);
    if (conn && conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(p.envelope));
    p.timer = setTimeout(() => {
      if (!this.pending.has(id)) return;
      if (p.attempt >= this.options.maxRetries) {
        this.pending.delete(id);
        return;
      }
      p.attempt += 1;
      this.attempt(id, p);
    }, this.options.ackTimeoutMs);
    p.timer.unref();
  }

  /** Asks every connection to reconnect, as Slack does before recycling a server. */
  sendDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled'): void {
    for (const c of [...this.conns]) {
      c.ws.send(
        JSON.stringify({ type: 'disconnect', reason, debug_info: { host: this.hostName } }),
      );
      const t = setTimeout(() => c.ws.close(1000, reason), this.options.disconnectGraceMs);
      t.unref();
    }
  }

  /** Cuts every connection without a close handshake (a network failure). */
  dropAll(): void {
    for (const c of [...this.conns]) c.ws.terminate();
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.dropAll();
    this.wss.close();
  }
}
