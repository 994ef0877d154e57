import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationHandler,
  Client,
  RedirectHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { fetch as undiciFetch } from 'undici';
import {
  FetchHandler,
  trustingFetch as simulatorFetch,
} from '../../../simulators/teams/graph-fetch.js';
import { startTeamsSimulator, type TeamsSimulator } from '../../../simulators/teams/index.js';
import { DEFAULT_WAIT_MS, waitFor } from '../../harness/wait.js';

/** A bot's messaging endpoint that records what the Teams channel POSTs. */
export class BotEndpoint {
  readonly received: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  status = 200;
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        res.writeHead(this.status).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/messages`;
    return this;
  }

  next(pred: (a: Record<string, unknown>) => boolean, timeoutMs = DEFAULT_WAIT_MS) {
    return waitFor(() => this.received.find((r) => pred(r.body)), {
      what: `a matching activity (received: ${this.received.map((r) => r.body.type).join(',') || 'none'})`,
      timeoutMs,
      intervalMs: 20,
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** fetch that trusts exactly the simulator's certificate (per client, never process-wide). */
export function trustingFetch(sim: TeamsSimulator): typeof undiciFetch {
  return simulatorFetch(sim.caCert);
}

/** The official Graph client pointed at the simulator, with `token` (and retries on 429). */
export function graphClient(
  sim: TeamsSimulator,
  token: string | (() => string),
  maxRetries = 3,
): Client {
  const auth = new AuthenticationHandler({
    getAccessToken: async () => (typeof token === 'string' ? token : token()),
  });
  const retry = new RetryHandler(new RetryHandlerOptions(0, maxRetries));
  const redirect = new RedirectHandler();
  auth.setNext(retry);
  retry.setNext(redirect);
  redirect.setNext(new FetchHandler(trustingFetch(sim)));
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${sim.url}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set(['127.0.0.1']),
  });
}

export async function clientCredentials(
  sim: TeamsSimulator,
  tenant: string,
  appId: string,
  secret: string,
  scope: string,
) {
  const res = await trustingFetch(sim)(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: secret,
      scope,
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface SimWorld {
  sim: TeamsSimulator;
  bot: BotEndpoint;
  tenant: string;
  app: { appId: string; password: string };
  alice: { id: string; bfId: string; displayName: string };
  bob: { id: string; bfId: string; displayName: string };
  teamId: string;
  generalId: string;
  channelId: string;
  close(): Promise<void>;
}

export async function simWorld(
  opts: Parameters<typeof startTeamsSimulator>[0] = {},
): Promise<SimWorld> {
  const sim = await startTeamsSimulator(opts);
  const bot = await new BotEndpoint().start();
  const tenant = sim.createTenant();
  const app = sim.control.createApp(tenant, {
    displayName: 'Bridge',
    password: 's3cret-value',
    endpoint: bot.url,
  });
  const alice = sim.createUser(tenant, {
    displayName: 'Alice Andersson',
    givenName: 'Alice',
    surname: 'Andersson',
  });
  const bob = sim.createUser(tenant, { displayName: 'Bob Berg' });
  const { teamId, generalChannelId } = sim.control.createTeam(tenant, 'Agency', [alice.id, bob.id]);
  const channelId = sim.control.createChannel(teamId, 'Projects', { description: 'project talk' });
  return {
    sim,
    bot,
    tenant,
    app,
    alice,
    bob,
    teamId,
    generalId: generalChannelId,
    channelId,
    async close() {
      await sim.close();
      await bot.close();
    },
  };
}
