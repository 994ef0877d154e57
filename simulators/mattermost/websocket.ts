import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AppError, sessionExpired } from './errors.js';
import { broadcast, type EventSink, type SimEvent } from './events.js';
import { isValidId, newId } from './ids.js';
import { isChannelMemberOrAdmin } from './permissions.js';
import type { SimState } from './state.js';

interface Conn {
  ws: WebSocket;
  userId: string | null;
  /** Next server event sequence number on this connection. */
  seq: number;
  connectionId: string;
  authTimer?: NodeJS.Timeout;
}

interface WsRequest {
  action?: unknown;
  seq?: unknown;
  data?: unknown;
}

/** The server's authCheckInterval: unauthenticated sockets are dropped after it. */
export const AUTH_TIMEOUT_MS = 5000;
const MAX_MESSAGE_BYTES = 8 * 1024; // model.SocketMaxMessageSizeKb
const QUIET_ACTIONS = new Set([
  'presence',
  'user_update_active_status',
  'posted_notify_ack',
  'get_statuses',
  'get_statuses_by_ids',
]);

function wsError(id: string, message: string, status: number): AppError {
  return new AppError(status, id, message);
}

/** `/api/v4/websocket`: authentication, hello, per-connection `seq`, and event fan-out. */
export class WebSocketHub implements EventSink {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly conns = new Set<Conn>();

  constructor(
    private readonly state: SimState,
    private readonly serverVersion: string,
    private readonly authTimeoutMs: number,
  ) {}

  /** `userId` is set when the upgrade request carried a valid token (no challenge needed then). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, userId: string | null): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, userId));
  }

  private attach(ws: WebSocket, userId: string | null): void {
    const conn: Conn = { ws, userId: null, seq: 0, connectionId: newId() };
    this.conns.add(conn);
    ws.on('close', () => {
      clearTimeout(conn.authTimer);
      this.conns.delete(conn);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw) => this.onMessage(conn, raw));
    if (userId) {
      this.authenticate(conn, userId);
    } else {
      conn.authTimer = setTimeout(() => ws.close(1008, 'not authenticated'), this.authTimeoutMs);
      conn.authTimer.unref();
    }
  }

  private authenticate(conn: Conn, userId: string): void {
    clearTimeout(conn.authTimer);
    conn.userId = userId;
    this.sendEvent(conn, {
      event: 'hello',
      data: { connection_id: conn.connectionId, server_version: this.serverVersion },
      broadcast: broadcast({ user_id: userId }),
    });
  }

  private reply(conn: Conn, seq: number, extra: Record<string, unknown> = {}): void {
    this.send(conn, { status: 'OK', seq_reply: seq, ...extra });
  }

  private fail(conn: Conn, seq: number, err: AppError): void {
    this.send(conn, { status: 'FAIL', seq_reply: seq, error: err.toJSON() });
  }

  private onMessage(conn: Conn, raw: RawData): void {
    let req: WsRequest;
    try {
      req = JSON.parse(raw.toString()) as WsRequest;
    } catch {
      conn.ws.close(1003, 'invalid JSON'); // the server drops sockets that send undecodable frames
      return;
    }
    const seq = typeof req.seq === 'number' ? req.seq : 0;
    const data = (typeof req.data === 'object' && req.data !== null ? req.data : {}) as Record<
      string,
      unknown
    >;
    if (typeof req.action !== 'string' || req.action === '') {
      return this.fail(
        conn,
        seq,
        wsError('api.web_socket_router.no_action.app_error', 'No websocket action.', 400),
      );
    }
    if (seq <= 0) {
      return this.fail(
        conn,
        seq,
        wsError(
          'api.web_socket_router.bad_seq.app_error',
          'Invalid sequence for WebSocket message.',
          400,
        ),
      );
    }
    if (req.action === 'authentication_challenge') {
      if (conn.userId) return; // already authenticated (e.g. by header): the server ignores it
      const token = typeof data.token === 'string' ? data.token : '';
      const user = this.state.userForToken(token);
      if (!user) {
        this.fail(conn, seq, sessionExpired());
        conn.ws.close(1008, 'invalid session');
        return;
      }
      this.reply(conn, seq);
      this.authenticate(conn, user.profile.id);
      return;
    }
    if (!conn.userId) {
      return this.fail(
        conn,
        seq,
        wsError('api.web_socket_router.not_authenticated.app_error', 'Not authenticated.', 401),
      );
    }
    if (req.action === 'ping') {
      const text = 'pong';
      return this.reply(conn, seq, {
        data: { node_id: '', server_time: Date.now(), text, version: this.serverVersion },
      });
    }
    if (req.action === 'user_typing') return this.userTyping(conn, conn.userId, seq, data);
    if (QUIET_ACTIONS.has(req.action)) return this.reply(conn, seq);
    this.fail(
      conn,
      seq,
      wsError('api.web_socket_router.bad_action.app_error', 'Unknown WebSocket action.', 501),
    );
  }

  private userTyping(conn: Conn, userId: string, seq: number, data: Record<string, unknown>): void {
    const channelId = typeof data.channel_id === 'string' ? data.channel_id : '';
    const user = this.state.users.get(userId);
    if (
      !isValidId(channelId) ||
      !user ||
      !this.state.channels.has(channelId) ||
      !isChannelMemberOrAdmin(this.state, user, channelId)
    ) {
      return this.fail(
        conn,
        seq,
        wsError(
          'api.websocket_handler.invalid_param.app_error',
          'Invalid channel_id parameter.',
          400,
        ),
      );
    }
    const parentId = typeof data.parent_id === 'string' ? data.parent_id : '';
    this.reply(conn, seq);
    this.publish({
      event: 'typing',
      data: { parent_id: parentId, user_id: userId },
      broadcast: broadcast({ channel_id: channelId, omit_users: { [userId]: true } }),
    });
  }

  private shouldReceive(conn: Conn, e: SimEvent): boolean {
    const userId = conn.userId;
    if (!userId || conn.ws.readyState !== WebSocket.OPEN) return false;
    const b = e.broadcast;
    if (b.connection_id) return b.connection_id === conn.connectionId;
    if (b.omit_connection_id === conn.connectionId) return false;
    if (b.user_id) return b.user_id === userId;
    if (b.omit_users?.[userId]) return false;
    if (b.channel_id) return this.state.member(b.channel_id, userId) !== undefined;
    if (b.team_id) return this.state.isTeamMember(b.team_id, userId);
    return true;
  }

  publish(e: SimEvent): void {
    for (const conn of this.conns) if (this.shouldReceive(conn, e)) this.sendEvent(conn, e);
  }

  private sendEvent(conn: Conn, e: SimEvent): void {
    this.send(conn, { event: e.event, data: e.data, broadcast: e.broadcast, seq: conn.seq++ });
  }

  private send(conn: Conn, msg: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(msg));
  }

  /** Closes every socket with 1001 (going away); reconnecting clients get new connection ids. */
  dropAll(code = 1001): void {
    for (const conn of this.conns) {
      clearTimeout(conn.authTimer);
      conn.ws.close(code, 'server restart');
      const ws = conn.ws;
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    this.conns.clear();
  }

  get openCount(): number {
    return this.conns.size;
  }

  close(): void {
    for (const conn of this.conns) conn.ws.terminate();
    this.conns.clear();
    this.wss.close();
  }
}
