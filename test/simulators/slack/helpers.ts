import { WebClient } from '@slack/web-api';
import {
  startSlackSimulator,
  type AppCredentials,
  type SlackSimulator,
  type SlackSimulatorOptions,
} from '../../../simulators/slack/index.js';
import { DEFAULT_WAIT_MS, PATIENT_PEER_MS, waitFor } from '../../harness/wait.js';

export interface SimWorld {
  sim: SlackSimulator;
  teamId: string;
  channelId: string;
  /** A public channel the bot is not in. */
  otherChannelId: string;
  app: AppCredentials;
  bot: WebClient;
  alice: { id: string; token: string; client: WebClient };
  bob: { id: string; token: string; client: WebClient };
  client(token: string): WebClient;
}

/** A WebClient that surfaces every failure at once (no retries, no rate-limit waits). */
export function clientFor(sim: SlackSimulator, token: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: sim.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/**
 * Tests answer the simulator's HTTP event deliveries and acknowledge its Socket Mode
 * envelopes at once, but a busy machine can stall either process for seconds: Slack's 3 s
 * would turn a prompt answer into a retried "timeout" or a redelivered envelope. Tests that
 * exercise the deadline pass their own.
 */
const TEST_ANSWER_DEADLINE_MS = PATIENT_PEER_MS;

export async function createSimWorld(opts: SlackSimulatorOptions = {}): Promise<SimWorld> {
  const sim = await startSlackSimulator({
    ...opts,
    httpEvents: { timeoutMs: TEST_ANSWER_DEADLINE_MS, ...opts.httpEvents },
    socketMode: { ackTimeoutMs: TEST_ANSWER_DEADLINE_MS, ...opts.socketMode },
  });
  const team = sim.createWorkspace({ name: 'Agency', domain: 'agency' });
  const app = sim.createApp(team.id, { name: 'Matrix Bridge', botName: 'bridge' });
  const alice = sim.createUser(team.id, {
    name: 'alice',
    realName: 'Alice Andersson',
    displayName: 'alice.a',
  });
  const bob = sim.createUser(team.id, { name: 'bob', realName: 'Bob Berg' });
  const channel = sim.createChannel(team.id, 'general', {
    topic: 'Company-wide',
    members: [alice.id, bob.id, app.botUserId],
  });
  const other = sim.createChannel(team.id, 'random', { members: [alice.id] });
  return {
    sim,
    teamId: team.id,
    channelId: channel.id,
    otherChannelId: other.id,
    app,
    bot: clientFor(sim, app.botToken),
    alice: { ...alice, client: clientFor(sim, alice.token) },
    bob: { ...bob, client: clientFor(sim, bob.token) },
    client: (token) => clientFor(sim, token),
  };
}

/** Polls `probe` until it is truthy (test/harness/wait.ts, with its generous default deadline). */
export function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return waitFor(probe, { what, timeoutMs });
}

/** The platform error code of a rejected Web API call. */
export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as { data?: { error?: string }; code?: string };
    return e.data?.error ?? e.code ?? String(err);
  }
  throw new Error('expected the call to fail');
}

/** A Web API call with plain fetch (form-encoded), answering the raw JSON and headers. */
export async function rawCall(
  sim: SlackSimulator,
  method: string,
  token: string | undefined,
  args: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${sim.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(args).toString(),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}
