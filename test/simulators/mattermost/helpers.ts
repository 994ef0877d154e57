import mattermostClient from '@mattermost/client';
import { WebSocket } from 'ws';
import {
  startMattermostSimulator,
  type MattermostSimulator,
  type SimulatorOptions,
} from '../../../simulators/mattermost/index.js';
import { DEFAULT_WAIT_MS, PATIENT_PEER_MS, waitFor as waitUntil } from '../../harness/wait.js';

// @mattermost/client is CommonJS whose Client4/WebSocketClient exports Node's ESM loader cannot
// see as named exports, so take them from the default export.
export const { Client4, ClientError, WebSocketClient } = mattermostClient;
export type Client4 = InstanceType<typeof Client4>;

export interface World {
  sim: MattermostSimulator;
  teamId: string;
  channelId: string;
  /** A second public channel nobody but the admin is in. */
  otherChannelId: string;
  alice: { id: string; token: string; username: string; client: Client4 };
  bob: { id: string; token: string; username: string; client: Client4 };
  bot: { id: string; token: string; username: string; client: Client4 };
  admin: { id: string; token: string; username: string; client: Client4 };
  /** Member of the team but not of `channelId`. */
  carol: { id: string; token: string; username: string; client: Client4 };
}

export function clientFor(sim: MattermostSimulator, token: string): Client4 {
  const c = new Client4();
  c.setUrl(sim.url);
  c.setToken(token);
  return c;
}

/**
 * For tests that do not exercise the WebSocket login deadline: the server's 5 s would let a
 * stalled machine turn a prompt authentication_challenge into a dropped socket and a reconnect.
 */
export const PATIENT_MATTERMOST: SimulatorOptions = { wsAuthTimeoutMs: PATIENT_PEER_MS };

export async function createWorld(opts: SimulatorOptions = {}): Promise<World> {
  const sim = await startMattermostSimulator({ ...PATIENT_MATTERMOST, ...opts });
  const team = sim.createTeam('agency', 'Agency');
  const channel = sim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
  const other = sim.createChannel(team.id, 'off-topic', { displayName: 'Off-Topic' });
  const mk = (username: string, extra: { isBot?: boolean; isAdmin?: boolean } = {}) => {
    const u = sim.createUser({
      username,
      firstName: username[0]?.toUpperCase() + username.slice(1),
      ...extra,
    });
    sim.addToTeam(team.id, u.id);
    return { id: u.id, token: u.token, username: u.username, client: clientFor(sim, u.token) };
  };
  const alice = mk('alice');
  const bob = mk('bob');
  const bot = mk('bridgebot', { isBot: true });
  const admin = mk('admin', { isAdmin: true });
  const carol = mk('carol');
  for (const u of [alice, bob, bot, admin]) sim.addToChannel(channel.id, u.id);
  sim.addToChannel(other.id, admin.id);
  return {
    sim,
    teamId: team.id,
    channelId: channel.id,
    otherChannelId: other.id,
    alice,
    bob,
    bot,
    admin,
    carol,
  };
}

/** Raw `fetch` against the simulator with a token. */
export function api(
  sim: MattermostSimulator,
  token: string | null,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return fetch(`${sim.url}/api/v4${path}`, { ...init, headers });
}

export interface WsMessage {
  event?: string;
  data?: Record<string, unknown>;
  broadcast?: Record<string, unknown>;
  seq?: number;
  status?: string;
  seq_reply?: number;
  error?: Record<string, unknown>;
}

/** A raw `ws` connection that queues every message for `next()`. */
export class RawSocket {
  readonly ws: WebSocket;
  private readonly queue: WsMessage[] = [];
  private waiters: Array<(m: WsMessage) => void> = [];
  readonly closed: Promise<number>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/api/v4/websocket', { headers });
    this.ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as WsMessage;
      const w = this.waiters.shift();
      if (w) w(msg);
      else this.queue.push(msg);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
    this.ws.on('error', () => undefined);
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
      this.ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  next(timeoutMs = DEFAULT_WAIT_MS): Promise<WsMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('timed out waiting for a WebSocket message'));
      }, timeoutMs);
      const waiter = (m: WsMessage): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  /** Next server event (skipping replies) — optionally of a given type. */
  async nextEvent(event?: string, timeoutMs = DEFAULT_WAIT_MS): Promise<WsMessage> {
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m.event && (!event || m.event === event)) return m;
    }
  }

  pending(): WsMessage[] {
    return [...this.queue];
  }

  /** Connects, authenticates with the challenge and returns after `hello`. */
  static async authed(url: string, token: string): Promise<RawSocket> {
    const s = new RawSocket(url);
    await s.opened();
    s.send({ action: 'authentication_challenge', seq: 1, data: { token } });
    const reply = await s.next();
    if (reply.status !== 'OK') throw new Error(`auth failed: ${JSON.stringify(reply)}`);
    const hello = await s.next();
    if (hello.event !== 'hello') throw new Error(`expected hello, got ${JSON.stringify(hello)}`);
    return s;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Polls `fn` until it is truthy (test/harness/wait.ts, with its generous default deadline). */
export function waitFor<T>(
  fn: () => T | undefined | false,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return waitUntil(fn, { what: 'a simulator condition', timeoutMs, intervalMs: 10 });
}
