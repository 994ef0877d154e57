import WebSocket from 'ws';
import {
  startRocketChatSimulator,
  type RocketChatSimulator,
  type SimRoom,
  type SimUser,
} from '../../../simulators/rocketchat/index.js';
import { DEFAULT_WAIT_MS, waitFor } from '../../harness/wait.js';

// @rocket.chat/ddp-client expects a browser-style global WebSocket (Node 20 has none).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface World {
  sim: RocketChatSimulator;
  bot: SimUser;
  alice: SimUser;
  bob: SimUser;
  room: SimRoom;
  secret: SimRoom;
}

/** A simulator with a bot, two people, a public channel (all members) and a private group (bot + alice). */
export async function startWorld(
  opts: Parameters<typeof startRocketChatSimulator>[0] = {},
): Promise<World> {
  const sim = await startRocketChatSimulator(opts);
  const bot = sim.createUser({ username: 'bridgebot', name: 'Bridge Bot', bot: true });
  const alice = sim.createUser({ username: 'alice', name: 'Alice Andersson' });
  const bob = sim.createUser({ username: 'bob', name: 'Bob Berg' });
  const room = sim.createRoom('general', { fname: 'General' });
  const secret = sim.createRoom('secret', { type: 'p', fname: 'Secret' });
  for (const u of [bot, alice, bob]) sim.addToRoom(room._id, u._id);
  for (const u of [bot, alice]) sim.addToRoom(secret._id, u._id);
  return { sim, bot, alice, bob, room, secret };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Plain-fetch REST client for one user (X-User-Id + X-Auth-Token). */
export function rest(sim: RocketChatSimulator, user?: Pick<SimUser, '_id' | 'token'>) {
  const headers = (): Record<string, string> =>
    user ? { 'X-User-Id': user._id, 'X-Auth-Token': user.token } : {};
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text };
    }
    return { status: res.status, headers: res.headers, body };
  };
  return {
    async get(path: string, query: Record<string, string | number> = {}): Promise<Answer> {
      const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      const url = `${sim.url}/api/v1/${path}${qs.size > 0 ? `?${qs}` : ''}`;
      return answer(await fetch(url, { headers: headers() }));
    },
    async post(path: string, body: unknown): Promise<Answer> {
      return answer(
        await fetch(`${sim.url}/api/v1/${path}`, {
          method: 'POST',
          headers: { ...headers(), 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    },
    async upload(rid: string, name: string, data: Buffer, type: string): Promise<Answer> {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(data)], { type }), name);
      return answer(
        await fetch(`${sim.url}/api/v1/rooms.media/${rid}`, {
          method: 'POST',
          headers: headers(),
          body: form,
        }),
      );
    },
    raw: (path: string, init: RequestInit = {}) =>
      fetch(`${sim.url}${path}`, {
        ...init,
        headers: { ...headers(), ...(init.headers as Record<string, string>) },
      }),
  };
}

/** Polls `probe` until it is truthy (test/harness/wait.ts, with its generous default deadline). */
export function until<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return waitFor(probe, { what, timeoutMs, intervalMs: 20 });
}
