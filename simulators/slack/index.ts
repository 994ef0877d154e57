import type { AddressInfo } from 'node:net';
import type { Sim } from './context.js';
import {
  BRIDGE_BOT_SCOPES,
  Control,
  USER_SCOPES,
  type AppCredentials,
  type CreateUserOptions,
} from './control.js';
import { EventBus } from './events.js';
import { HttpEventDelivery, slackSignature, type DeliveryLogEntry } from './http-events.js';
import { RateLimiter, type FailureSpec, type RateLimitSettings } from './limits.js';
import { messageJson } from './render.js';
import { HttpFrontend, type RequestLogEntry } from './server.js';
import { SocketModeHub, type EnvelopeLogEntry, type SocketModeOptions } from './socket-mode.js';
import { SimState, type EventDelivery } from './state.js';

export { BRIDGE_BOT_SCOPES, USER_SCOPES, slackSignature };
export type {
  AppCredentials,
  CreateUserOptions,
  DeliveryLogEntry,
  EnvelopeLogEntry,
  EventDelivery,
  FailureSpec,
  RateLimitSettings,
  RequestLogEntry,
};

export interface SlackSimulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  socketMode?: Partial<SocketModeOptions>;
  /** Events API over HTTP: answer timeout and retry delays (Slack: 3 s; 0 s, 1 min, 5 min). */
  httpEvents?: { timeoutMs?: number; retryDelaysMs?: number[] };
  rateLimits?: Partial<RateLimitSettings>;
  /** Largest file an upload URL takes; default 50 MB. */
  maxUploadBytes?: number;
}

/** A message as `conversations.history` shows it, plus its `channel` and `metadata`. */
export type SimMessage = Record<string, unknown> & {
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  username?: string;
  thread_ts?: string;
  subtype?: string;
  edited?: { user: string; ts: string };
  files?: Array<Record<string, unknown> & { id: string; name: string }>;
  reactions?: Array<{ name: string; users: string[]; count: number }>;
  blocks?: unknown[];
};

export interface SlackSimulator {
  /** Server root, e.g. http://127.0.0.1:P */
  url: string;
  /** What to give `WebClient` as `slackApiUrl`: `${url}/api/`. */
  apiUrl: string;
  createWorkspace(opts: { name: string; domain?: string }): { id: string; name: string };
  /** An installed app (bot user, bot token, app token, signing secret). */
  createApp(
    teamId: string,
    opts: { name: string; botName?: string; scopes?: string[]; iconPng?: Buffer },
  ): AppCredentials;
  /** A person with a user token (`xoxp-`) to act through the Web API. */
  createUser(teamId: string, opts: CreateUserOptions): { id: string; token: string };
  updateUser(
    userId: string,
    p: { displayName?: string; realName?: string; avatarPng?: Buffer },
  ): void;
  createChannel(
    teamId: string,
    name: string,
    opts?: {
      private?: boolean;
      /** A direct message (`im`) or group direct message (`mpim`), members-only. */
      direct?: 'im' | 'mpim';
      topic?: string;
      purpose?: string;
      members?: string[];
    },
  ): { id: string; name: string };
  addToChannel(channelId: string, userId: string, announce?: boolean): void;
  addCustomEmoji(teamId: string, name: string): void;
  setScopes(token: string, scopes: string[]): void;
  revokeToken(token: string): void;
  /** Test hook: files.info and events give these URLs for the file (a hostile answer). */
  setFileUrls(fileId: string, urls: { private: string; download: string }): void;
  /** Socket Mode, a Request URL (Events API over HTTP), or no event delivery. */
  setEventDelivery(appId: string, delivery: EventDelivery): void;
  /** The `url_verification` handshake against the app's Request URL. */
  verifyRequestUrl(appId: string): Promise<boolean>;
  setRateLimit(settings: Partial<RateLimitSettings>): void;
  /** The next `count` calls (of `method`, when given) fail as described. */
  injectFailures(spec: FailureSpec): void;
  /** Cuts every Socket Mode connection and every Events API request in flight. */
  dropSockets(): void;
  /** Sends `{type:"disconnect"}` to every Socket Mode connection, then closes them. */
  sendDisconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  openSocketConnections(appId?: string): number;
  /** Live messages of a channel, thread replies included, oldest first. */
  messages(channelId: string): SimMessage[];
  /** Envelopes sent over Socket Mode (each attempt), oldest first. */
  envelopes(): EnvelopeLogEntry[];
  /** Events API HTTP deliveries (each attempt), oldest first. */
  deliveries(): DeliveryLogEntry[];
  /** Web API calls served, oldest first. */
  requestLog(): RequestLogEntry[];
  close(): Promise<void>;
}

export async function startSlackSimulator(
  opts: SlackSimulatorOptions = {},
): Promise<SlackSimulator> {
  const host = opts.host ?? '127.0.0.1';
  let baseUrl = '';
  const state = new SimState(() => baseUrl);
  const socket = new SocketModeHub(
    {
      ackTimeoutMs: 3000,
      maxRetries: 3,
      pingIntervalMs: 5000,
      disconnectGraceMs: 1000,
      ...opts.socketMode,
    },
    'applink-sim-1',
  );
  const http = new HttpEventDelivery({
    timeoutMs: opts.httpEvents?.timeoutMs ?? 3000,
    retryDelaysMs: opts.httpEvents?.retryDelaysMs ?? [500, 2000, 5000],
  });
  const limits = new RateLimiter();
  if (opts.rateLimits) limits.configure(opts.rateLimits);
  const sim: Sim = {
    state,
    events: new EventBus(state, socket, http),
    limits,
    socket,
    config: { maxUploadBytes: opts.maxUploadBytes ?? 50 * 1024 * 1024 },
  };
  const control = new Control(sim);
  const front = new HttpFrontend(sim, (hash) => control.avatars.get(hash));
  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = front.server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    createWorkspace: (o) => control.createWorkspace(o),
    createApp: (teamId, o) => control.createApp(teamId, o),
    createUser: (teamId, o) => control.createUser(teamId, o),
    updateUser: (userId, p) => control.updateUser(userId, p),
    createChannel: (teamId, name, o) => control.createChannel(teamId, name, o),
    addToChannel: (channelId, userId, announce) =>
      control.addToChannel(channelId, userId, announce),
    addCustomEmoji: (teamId, name) => control.addCustomEmoji(teamId, name),
    setScopes: (t, scopes) => control.setScopes(t, scopes),
    revokeToken: (t) => control.revokeToken(t),
    setFileUrls: (id, urls) => control.setFileUrls(id, urls),
    setEventDelivery: (appId, d) => control.setEventDelivery(appId, d),
    async verifyRequestUrl(appId) {
      const app = state.apps.get(appId);
      if (!app || app.delivery.mode !== 'http') throw new Error('the app has no Request URL');
      return http.verify(
        { appId, url: app.delivery.requestUrl, signingSecret: app.signingSecret },
        app.verificationToken,
      );
    },
    setRateLimit: (s) => limits.configure(s),
    injectFailures: (f) => front.failures.add(f),
    dropSockets: () => {
      socket.dropAll();
      http.abortInFlight();
    },
    sendDisconnect: (reason = 'refresh_requested') => socket.sendDisconnect(reason),
    openSocketConnections: (appId) => socket.openConnections(appId),
    messages: (channelId) =>
      state
        .channelMessages(channelId)
        .filter((m) => !m.deleted)
        .map((m) => messageJson(state, m, { metadata: true, channel: true }) as SimMessage),
    envelopes: () => socket.log.map((e) => ({ ...e })),
    deliveries: () => http.log.map((e) => ({ ...e })),
    requestLog: () => front.log.map((e) => ({ ...e })),
    async close() {
      socket.close();
      http.close();
      front.server.closeAllConnections();
      await new Promise<void>((resolve) => front.server.close(() => resolve()));
    },
  };
}
