/**
 * An in-process Microsoft Teams for tests and the demo: Entra ID tokens, Bot Framework
 * OpenID metadata and signed activities, the Bot Connector service and Microsoft Graph, all
 * on one https loopback origin with a certificate generated at start (see README.md).
 */
import type { AddressInfo } from 'node:net';
import { SimAuth, type TokenFault } from './auth.js';
import type { Sim } from './context.js';
import { Control, type UserOptions } from './control.js';
import { ChannelDelivery, type DeliveryRecord } from './delivery.js';
import { HttpsFront, type LogEntry } from './http.js';
import {
  BOT_CONVERSATION_WINDOWS,
  SlidingWindows,
  type FailureSpec,
  type Window,
} from './limits.js';
import { registerConnectorRoutes } from './routes/connector.js';
import { registerGraphDirectoryRoutes } from './routes/graph-directory.js';
import { registerGraphFileRoutes } from './routes/graph-files.js';
import { registerGraphReadRoutes } from './routes/graph-read.js';
import { registerGraphWriteRoutes } from './routes/graph-write.js';
import { registerLoginRoutes } from './routes/login.js';
import { SimState, type SimMessage, type SimUser } from './state.js';
import { activityFor } from './activities.js';
import { createTestCertificate } from './tls.js';

export type {
  DeliveryRecord,
  FailureSpec,
  LogEntry,
  SimMessage,
  SimUser,
  TokenFault,
  UserOptions,
  Window,
};

export interface TeamsSimulatorOptions {
  /** Graph writes allowed per app (or user) per tenant; default 2 per second (Teams' channel POST limit). */
  graphWrites?: Window[];
  /** Graph reads; default 20 per second. */
  graphReads?: Window[];
  /** Bot Connector sends per bot per conversation; default Teams' 7/1 s, 8/2 s, 60/30 s, 1800/h. */
  connectorWindows?: Window[];
  /** Default 40 KB, the Bot Connector's message size limit. */
  maxActivityBytes?: number;
}

export interface TeamsSimulator {
  /** https://127.0.0.1:PORT — the login endpoint base (`{url}/{tenant}/oauth2/v2.0/token`). */
  url: string;
  /** The serviceUrl on activities (Bot Connector base). */
  serviceUrl: string;
  openIdMetadataUrl: string;
  /** Graph base, `{url}/v1.0`. */
  graphUrl: string;
  /** The PEM clients must trust (per client: `ca`, or NODE_EXTRA_CA_CERTS for a child process). */
  caCert: string;
  control: Control;
  createTenant(): string;
  createUser(tenantId: string, o: UserOptions): SimUser;
  /** Injected failures apply to requests whose `METHOD /path` matches `pattern` (all when absent). */
  injectFailures(f: FailureSpec): void;
  setConnectorRate(windows: Window[]): void;
  setGraphRate(o: { reads?: Window[]; writes?: Window[] }): void;
  /** The next `count` activities are lost before reaching any bot. */
  dropDeliveries(count: number): void;
  /**
   * For `ms` the connection to the bots breaks mid-request: answers are lost and the channel
   * redelivers each activity (same id, in order) until a bot answers — duplicates for the bot.
   */
  interruptDeliveries(ms: number): void;
  /** Signs (or breaks, per `fault`) and POSTs an activity for `messageId` to the bot; returns the HTTP status. */
  deliverForged(
    appId: string,
    messageId: string,
    fault?: TokenFault,
    tamper?: (a: Record<string, unknown>) => Record<string, unknown> | string,
  ): Promise<number>;
  deliveries(): DeliveryRecord[];
  /** Waits until queued activities have been delivered. */
  idle(): Promise<void>;
  rotateSigningKey(retireOld?: boolean): Promise<string>;
  /** Expire every access token issued so far. */
  expireTokens(): void;
  /** Lifetime of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  requestLog(): LogEntry[];
  close(): Promise<void>;
}

export async function startTeamsSimulator(
  opts: TeamsSimulatorOptions = {},
): Promise<TeamsSimulator> {
  const tls = createTestCertificate();
  let baseUrl = '';
  const state = new SimState(() => baseUrl);
  const auth = new SimAuth();
  await auth.init();
  const front = new HttpsFront(tls);
  const sim: Sim = {
    state,
    auth,
    front,
    baseUrl: () => baseUrl,
    serviceUrl: () => `${baseUrl}/amer/`,
    connectorRate: new SlidingWindows(opts.connectorWindows ?? BOT_CONVERSATION_WINDOWS),
    graphReadRate: new SlidingWindows(opts.graphReads ?? [{ limit: 20, windowMs: 1000 }]),
    graphWriteRate: new SlidingWindows(opts.graphWrites ?? [{ limit: 2, windowMs: 1000 }]),
    maxActivityBytes: opts.maxActivityBytes ?? 40 * 1024,
  };
  const redirectUris = new Map<string, Set<string>>();
  registerLoginRoutes(sim, redirectUris);
  registerConnectorRoutes(sim);
  registerGraphDirectoryRoutes(sim);
  registerGraphReadRoutes(sim);
  registerGraphWriteRoutes(sim);
  registerGraphFileRoutes(sim);
  const delivery = new ChannelDelivery(sim);
  const control = new Control(sim, delivery, redirectUris);

  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `https://127.0.0.1:${(front.server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    serviceUrl: sim.serviceUrl(),
    openIdMetadataUrl: `${baseUrl}/botframework/v1/.well-known/openidconfiguration`,
    graphUrl: `${baseUrl}/v1.0`,
    caCert: tls.cert,
    control,
    createTenant: () => control.createTenant(),
    createUser: (t, o) => control.createUser(t, o),
    injectFailures: (f) => front.failures.add(f),
    setConnectorRate: (w) => void (sim.connectorRate.windows = w),
    setGraphRate: (o) => {
      if (o.reads) sim.graphReadRate.windows = o.reads;
      if (o.writes) sim.graphWriteRate.windows = o.writes;
    },
    dropDeliveries: (n) => delivery.drop(n),
    interruptDeliveries: (ms) => delivery.interrupt(ms),
    async deliverForged(appId, messageId, fault, tamper) {
      const m = control.message(messageId);
      const activity = activityFor(sim, appId, { kind: 'message', message: m, at: m.created });
      if (!activity) throw new Error('no activity for that message');
      const changed = tamper ? tamper(activity) : activity;
      return typeof changed === 'string'
        ? delivery.post(appId, activity, fault, changed)
        : delivery.post(appId, changed, fault);
    },
    deliveries: () => control.deliveries(),
    idle: () => delivery.idle(),
    rotateSigningKey: (retire) => auth.rotate(retire),
    expireTokens: () => auth.expireAll(),
    setTokenLifetime: (s) => void (auth.tokenLifetimeSec = s),
    requestLog: () => front.log.map((e) => ({ ...e })),
    async close() {
      delivery.close();
      front.server.closeAllConnections();
      await new Promise<void>((resolve) => front.server.close(() => resolve()));
    },
  };
}
