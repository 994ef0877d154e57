import type { AddressInfo } from 'node:net';
import type { Channel } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { Sim } from './context.js';
import { Control, type CreateUserOptions } from './control.js';
import type { FailureSpec } from './failures.js';
import { HttpFrontend, type LogEntry } from './server.js';
import { SimState } from './state.js';
import { AUTH_TIMEOUT_MS, WebSocketHub } from './websocket.js';

export type SimTeam = Team;
export type SimUser = UserProfile;
export type SimChannel = Channel;
export type { CreateUserOptions, FailureSpec, LogEntry };

export interface SimulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Off unless given: `{perSecond, burst}` as the server's RateLimitSettings. */
  rateLimit?: { perSecond: number; burst: number } | false;
  enablePostUsernameOverride?: boolean;
  enablePostIconOverride?: boolean;
  /** FileSettings.MaxFileSize; default 50 MB. Larger uploads get 413. */
  maxFileSize?: number;
  /** Largest JSON body accepted; default 1 MB. Larger bodies get 413. */
  maxJsonBody?: number;
  /** How long a pending_post_id de-duplicates creates; default 30 s (the server's pendingPostIDsCacheTTL). */
  pendingPostIdTtlMs?: number;
  /** Reported in X-Version-Id and the hello event; default "11.9.0". */
  serverVersion?: string;
  /**
   * How long a WebSocket may stay unauthenticated before it is closed (1008); default 5 s
   * (the server's authCheckInterval). Tests that do not exercise it set a longer one, so a
   * stalled machine does not turn a prompt authentication_challenge into a reconnect.
   */
  wsAuthTimeoutMs?: number;
}

export interface MattermostSimulator {
  url: string;
  createTeam(name: string, displayName?: string): SimTeam;
  createUser(opts: CreateUserOptions): SimUser & { token: string };
  createChannel(
    teamId: string,
    name: string,
    opts?: { displayName?: string; type?: 'O' | 'P' },
  ): SimChannel;
  addToTeam(teamId: string, userId: string): void;
  addToChannel(channelId: string, userId: string): void;
  /** A direct (2 users, type `D`) or group message (3 to 8, type `G`) channel. */
  createDirectChannel(userIds: string[]): SimChannel;
  setSettings(
    s: Partial<{ enablePostUsernameOverride: boolean; enablePostIconOverride: boolean }>,
  ): void;
  setRateLimit(r: { perSecond: number; burst: number } | false): void;
  /** Make the next `count` API requests (optionally only those whose path matches) fail with `status`. */
  injectFailures(f: FailureSpec): void;
  /** Close every open WebSocket with 1001 (as a server restart would). */
  dropWebSockets(): void;
  /** Requests served, as `METHOD` + `/api/v4/...` path template + status, oldest first. */
  requestLog(): LogEntry[];
  /** Current posts in a channel (not deleted), oldest first. */
  posts(channelId: string): Post[];
  close(): Promise<void>;
}

export async function startMattermostSimulator(
  opts: SimulatorOptions = {},
): Promise<MattermostSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const version = opts.serverVersion ?? '11.9.0';
  const state = new SimState({
    enablePostUsernameOverride: opts.enablePostUsernameOverride ?? true,
    enablePostIconOverride: opts.enablePostIconOverride ?? true,
  });
  const serverVersion = `${version}.${version}.simulator.false`;
  const hub = new WebSocketHub(state, serverVersion, opts.wsAuthTimeoutMs ?? AUTH_TIMEOUT_MS);
  const config = {
    maxFileSize: opts.maxFileSize ?? 50 * 1024 * 1024,
    maxJsonBody: opts.maxJsonBody ?? 1024 * 1024,
    pendingPostIdTtlMs: opts.pendingPostIdTtlMs ?? 30_000,
    serverVersion,
    siteUrl: '',
  };
  const sim: Sim = { state, hub, config };
  const http = new HttpFrontend(sim, hub);
  if (opts.rateLimit) http.setRateLimit(opts.rateLimit);
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = http.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  config.siteUrl = url;
  const control = new Control(state);

  return {
    url,
    createTeam: (name, displayName) => control.createTeam(name, displayName),
    createUser: (o) => control.createUser(o),
    createChannel: (teamId, name, o) => control.createChannel(teamId, name, o),
    addToTeam: (teamId, userId) => control.addToTeam(teamId, userId),
    addToChannel: (channelId, userId) => control.addToChannel(channelId, userId),
    createDirectChannel: (userIds) => control.createDirectChannel(userIds),
    setSettings: (s) => {
      if (s.enablePostUsernameOverride !== undefined) {
        state.settings.enablePostUsernameOverride = s.enablePostUsernameOverride;
      }
      if (s.enablePostIconOverride !== undefined)
        state.settings.enablePostIconOverride = s.enablePostIconOverride;
    },
    setRateLimit: (r) => http.setRateLimit(r),
    injectFailures: (f) => http.failures.add(f),
    dropWebSockets: () => hub.dropAll(),
    requestLog: () => http.log.map((e) => ({ ...e })),
    posts: (channelId) => control.posts(channelId),
    close: async () => {
      hub.close();
      http.server.closeAllConnections();
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
    },
  };
}
