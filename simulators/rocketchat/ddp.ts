import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { newId } from './ids.js';
import type { EventSink } from './messages.js';
import { renderMessage } from './render.js';
import type { MessageRecord, SimState, UserRecord } from './state.js';

const WS_PATH = '/websocket';
const MAX_FRAME_BYTES = 1024 * 1024;
const SUPPORTED = ['1', 'pre2', 'pre1'];

interface Sub {
  id: string;
  name: 'stream-room-messages' | 'stream-notify-room';
  eventName: string;
}

interface Conn {
  ws: WebSocket;
  session: string;
  connected: boolean;
  user: UserRecord | null;
  subs: Map<string, Sub>;
  pingTimer?: NodeJS.Timeout;
  awaitingPong: boolean;
}

type Frame = Record<string, unknown>;

const meteorError = (error: string | number, reason: string) => ({
  isClientSafe: true,
  error,
  reason,
  message: `${reason} [${error}]`,
  errorType: 'Meteor.Error',
});

/**
 * The DDP endpoint (`/websocket`) as Meteor and Rocket.Chat's streamer speak it: connect /
 * connected, ping / pong both ways, `login` with a resume token, the two streams a bridge
 * needs, `nosub` and `error` frames, and a server-side drop for tests.
 */
export class DdpHub implements EventSink {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly conns = new Set<Conn>();
  /** Frames received, newest last (bounded), for tests. */
  readonly received: Frame[] = [];

  constructor(
    private readonly state: SimState,
    private readonly pingIntervalMs: number,
  ) {}

  handles(req: IncomingMessage): boolean {
    return new URL(req.url ?? '/', 'http://localhost').pathname === WS_PATH;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const conn: Conn = {
      ws,
      session: newId(),
      connected: false,
      user: null,
      subs: new Map(),
      awaitingPong: false,
    };
    this.conns.add(conn);
    ws.on('close', () => {
      clearInterval(conn.pingTimer);
      this.conns.delete(conn);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (raw) => this.onFrame(conn, raw));
    this.send(conn, { server_id: '0' });
  }

  private send(conn: Conn, frame: Frame): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(frame));
  }

  private onFrame(conn: Conn, raw: RawData): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw.toString());
    } catch {
      return; // Meteor discards frames that are not JSON
    }
    if (typeof frame !== 'object' || frame === null || typeof (frame as Frame).msg !== 'string')
      return;
    const f = frame as Frame;
    this.received.push(f);
    if (this.received.length > 1000) this.received.shift();
    if (!conn.connected) return this.onConnect(conn, f);
    switch (f.msg) {
      case 'ping':
        return this.send(conn, f.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: f.id });
      case 'pong':
        conn.awaitingPong = false;
        return;
      case 'method':
        return this.onMethod(conn, f);
      case 'sub':
        return this.onSub(conn, f);
      case 'unsub':
        if (typeof f.id === 'string' && conn.subs.delete(f.id))
          this.send(conn, { msg: 'nosub', id: f.id });
        return;
      default:
        this.send(conn, { msg: 'error', reason: 'Bad request', offendingMessage: f });
    }
  }

  private onConnect(conn: Conn, f: Frame): void {
    if (f.msg !== 'connect') {
      this.send(conn, { msg: 'error', reason: 'Must connect first', offendingMessage: f });
      return;
    }
    if (typeof f.version !== 'string' || !SUPPORTED.includes(f.version)) {
      this.send(conn, { msg: 'failed', version: '1' });
      conn.ws.close();
      return;
    }
    conn.connected = true;
    this.send(conn, { msg: 'connected', session: conn.session });
    if (this.pingIntervalMs > 0) {
      // Meteor's heartbeat: ping when quiet, drop the socket if no pong comes back in time.
      conn.pingTimer = setInterval(() => {
        if (conn.awaitingPong) return conn.ws.terminate();
        conn.awaitingPong = true;
        this.send(conn, { msg: 'ping' });
      }, this.pingIntervalMs);
      conn.pingTimer.unref();
    }
  }

  private onMethod(conn: Conn, f: Frame): void {
    const id = typeof f.id === 'string' ? f.id : '';
    const params = Array.isArray(f.params) ? (f.params as unknown[]) : [];
    const done = (result: Frame) => {
      this.send(conn, { msg: 'result', id, ...result });
      this.send(conn, { msg: 'updated', methods: [id] });
    };
    if (f.method === 'login') {
      const arg = params[0] as { resume?: unknown } | undefined;
      const user =
        typeof arg?.resume === 'string' ? this.state.userForToken(arg.resume) : undefined;
      if (!user) {
        return done({
          error: meteorError(403, "You've been logged out by the server. Please log in again."),
        });
      }
      conn.user = user;
      return done({
        result: {
          id: user._id,
          token: arg!.resume,
          tokenExpires: { $date: Date.now() + 90 * 86_400_000 },
          type: 'resume',
        },
      });
    }
    if (f.method === 'logout') {
      conn.user = null;
      conn.subs.clear();
      return done({});
    }
    done({ error: meteorError(404, `Method '${String(f.method)}' not found`) });
  }

  private onSub(conn: Conn, f: Frame): void {
    const id = typeof f.id === 'string' ? f.id : '';
    const params = Array.isArray(f.params) ? (f.params as unknown[]) : [];
    const name = f.name;
    const eventName = params[0];
    if (name !== 'stream-room-messages' && name !== 'stream-notify-room') {
      return this.send(conn, {
        msg: 'nosub',
        id,
        error: meteorError(404, `Subscription '${String(name)}' not found`),
      });
    }
    if (typeof eventName !== 'string' || eventName === '') {
      return this.send(conn, {
        msg: 'nosub',
        id,
        error: meteorError('invalid-event-name', 'Invalid event name'),
      });
    }
    const rid = name === 'stream-room-messages' ? eventName : eventName.split('/')[0]!;
    const room = this.state.rooms.get(rid);
    // The streamer stops a publication the reader may not see: a plain nosub.
    if (!conn.user || !room || !this.state.canAccess(room, conn.user))
      return this.send(conn, { msg: 'nosub', id });
    conn.subs.set(id, { id, name, eventName });
    this.send(conn, { msg: 'ready', subs: [id] });
  }

  private publish(name: Sub['name'], eventName: string, args: unknown[]): void {
    for (const conn of this.conns) {
      for (const sub of conn.subs.values()) {
        if (sub.name !== name || sub.eventName !== eventName) continue;
        this.send(conn, {
          msg: 'changed',
          collection: name,
          id: 'id',
          fields: { eventName, args },
        });
        break;
      }
    }
  }

  roomMessage(m: MessageRecord): void {
    this.publish('stream-room-messages', m.rid, [renderMessage(m, 'ddp')]);
  }

  notifyRoom(rid: string, event: string, args: unknown[]): void {
    this.publish('stream-notify-room', `${rid}/${event}`, args);
  }

  /** Send a raw frame to every connected client (tests of malformed input). */
  broadcastRaw(data: string): void {
    for (const conn of this.conns) if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(data);
  }

  /** Closes every socket as a server restart would. */
  dropAll(): void {
    for (const conn of this.conns) {
      clearInterval(conn.pingTimer);
      conn.ws.terminate();
    }
    this.conns.clear();
  }

  get openCount(): number {
    return this.conns.size;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
