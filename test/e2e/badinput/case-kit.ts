/** What a bad-input case is, and the helpers every group of cases builds with. */
import type { RawRequest } from './http.js';

export type Expectation =
  /** A 4xx from this list, with a body that says what is wrong. */
  | { kind: 'refused'; status: number[] }
  /** Authenticated and well-formed enough to acknowledge, but nothing in it may be bridged. */
  | { kind: 'ignored' }
  /** Authenticated content the bridge may bridge; it must answer (below 500) and carry on. */
  | { kind: 'survived' };

export interface BadCase {
  endpoint: string;
  name: string;
  request: RawRequest;
  expect: Expectation;
  /** Markers of forged events that must never show up anywhere. */
  markers: string[];
  /**
   * A finding this case still reproduces (see docs/fault-injection.md): the case is expected
   * to miss its expectation, and the suite fails once it stops doing so.
   */
  known?: string;
  /** How long to wait for an answer (default 30 s). */
  timeoutMs?: number;
}

export interface CaseContext {
  hsToken: string;
  roomId: string;
  sender: string;
  /** A ghost of the bridge and its bot: events from them are echoes, never bridged. */
  ghost: string;
  bot: string;
  /** The provisioning API's secret, when the API is enabled for the run. */
  adminSecret?: string;
  /** A valid media proxy URL path with its query (`/_bridge/media/...?sig=...`), if known. */
  mediaPath?: string;
}

export const TXN = '/_matrix/app/v1/transactions';
export const refused = (...status: number[]): Expectation => ({ kind: 'refused', status });

/** Deterministic PRNG (mulberry32) so generated cases are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Numbers forged markers and transaction ids apart within a run. */
let counter = 0;
export const nextCaseNumber = (): number => ++counter;
export function forged(
  ctx: CaseContext,
  extra: Record<string, unknown> = {},
): { event: Record<string, unknown>; marker: string } {
  counter++;
  const marker = `forged-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    marker,
    event: {
      event_id: `$${marker}`,
      room_id: ctx.roomId,
      sender: ctx.sender,
      type: 'm.room.message',
      origin_server_ts: Date.now(),
      content: { msgtype: 'm.text', body: marker },
      ...extra,
    },
  };
}

export const json = (
  token: string | undefined,
  body: string | Buffer,
  extraHeaders: Record<string, string> = {},
): RawRequest => ({
  method: 'PUT',
  path: `${TXN}/bad-${++counter}`,
  headers: {
    'content-type': 'application/json',
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...extraHeaders,
  },
  body,
});
