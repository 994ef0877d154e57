import type { AddressInfo } from 'node:net';
import type { Sim } from './context.js';
import { Control, type CreateUserOptions, type SimRoom, type SimUser } from './control.js';
import { DdpHub } from './ddp.js';
import type { FailureSpec } from './failures.js';
import { MessageService } from './messages.js';
import type { RateLimitConfig } from './ratelimit.js';
import { HttpFrontend, type LogEntry } from './server.js';
import { SimState, type SimSettings } from './state.js';
import { restValidators } from './validators.js';

export type { CreateUserOptions, FailureSpec, LogEntry, RateLimitConfig, SimRoom, SimUser };

export interface SimulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Off unless given (the server's API rate limiter). */
  rateLimit?: RateLimitConfig | false;
  /** FileUpload_MaxFileSize; default 100 MB. */
  maxFileSize?: number;
  /** Message_MaxAllowedSize; default 5000. */
  maxMessageLength?: number;
  /** How often the server pings idle DDP clients (and drops them without a pong); default 15 s, 0 = never. */
  ddpPingIntervalMs?: number;
}

export interface RocketChatSimulator {
  url: string;
  createUser(o: CreateUserOptions): SimUser;
  createRoom(
    name: string,
    o?: { type?: 'c' | 'p' | 'd'; fname?: string; topic?: string; creatorId?: string },
  ): SimRoom;
  addToRoom(rid: string, userId: string): void;
  grantPermission(permission: string, role: string): void;
  revokePermission(permission: string, role: string): void;
  issueToken(userId: string): string;
  revokeTokens(userId: string): void;
  setSettings(
    s: Partial<Pick<SimSettings, 'threadsEnabled' | 'maxMessageLength' | 'maxFileSize'>>,
  ): void;
  setRateLimit(r: RateLimitConfig | false): void;
  /** The next `count` API requests (optionally only those whose path matches) fail with `status`. */
  injectFailures(f: FailureSpec): void;
  /** Closes every DDP WebSocket from the server side. */
  dropWebSockets(): void;
  /** Sends a raw text frame to every DDP client (malformed-input tests). */
  sendRawFrame(data: string): void;
  /** Number of open DDP connections. */
  webSocketCount(): number;
  /** DDP frames the server received (bounded), oldest first. */
  receivedFrames(): Array<Record<string, unknown>>;
  requestLog(): LogEntry[];
  /** Live messages of a room as REST shows them, oldest first. */
  messages(rid: string): Array<Record<string, unknown>>;
  /** Prunes messages with `ts` in [from, to] as rooms.cleanHistory does (one bulk notification). */
  pruneHistory(rid: string, from: number, to: number): number;
  close(): Promise<void>;
}

export async function startRocketChatSimulator(
  opts: SimulatorOptions = {},
): Promise<RocketChatSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SimState({
    siteUrl: '',
    maxFileSize: opts.maxFileSize ?? 100 * 1024 * 1024,
    maxMessageLength: opts.maxMessageLength ?? 5000,
    threadsEnabled: true,
  });
  const hub = new DdpHub(state, opts.ddpPingIntervalMs ?? 15_000);
  const sim: Sim = {
    state,
    messages: new MessageService(state, hub),
    validators: await restValidators(),
  };
  const http = new HttpFrontend(sim, (req, socket, head) => {
    if (hub.handles(req)) return hub.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  if (opts.rateLimit) http.setRateLimit(opts.rateLimit);
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = http.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.settings.siteUrl = url;
  const control = new Control(state);

  return {
    url,
    createUser: (o) => control.createUser(o),
    createRoom: (name, o) => control.createRoom(name, o),
    addToRoom: (rid, userId) => control.addToRoom(rid, userId),
    grantPermission: (p, r) => control.grantPermission(p, r),
    revokePermission: (p, r) => control.revokePermission(p, r),
    issueToken: (userId) => control.issueToken(userId),
    revokeTokens: (userId) => control.revokeTokens(userId),
    setSettings: (s) => Object.assign(state.settings, s),
    setRateLimit: (r) => http.setRateLimit(r),
    injectFailures: (f) => http.failures.add(f),
    dropWebSockets: () => hub.dropAll(),
    sendRawFrame: (data) => hub.broadcastRaw(data),
    webSocketCount: () => hub.openCount,
    receivedFrames: () => hub.received.map((f) => ({ ...f })),
    requestLog: () => http.log.map((e) => ({ ...e })),
    messages: (rid) => control.messages(rid),
    pruneHistory: (rid, from, to) => sim.messages.prune(rid, from, to),
    close: async () => {
      hub.close();
      http.server.closeAllConnections();
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
    },
  };
}
