/**
 * Waiting for room events the way a client sees them: read back through `/messages`, then
 * poll forward from there until enough events match.
 */
import type {
  MatrixEvent,
  MessagesOptions,
  MessagesResponse,
  WaitOptions,
} from './matrix-types.js';
import { E2E_WAIT_MS } from './wait.js';

/** What the wait needs of a client: paging a room's timeline. */
export interface PagedRoom {
  messages(roomId: string, opts?: MessagesOptions): Promise<MessagesResponse>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `count` distinct events match `predicate`; returns them oldest first
 * (when `since` is absent and more already exist than asked for, the newest `count` of them).
 */
export async function waitForMatrixEvents(
  room: PagedRoom,
  roomId: string,
  predicate: (e: MatrixEvent) => boolean,
  count: number,
  timeoutOrOpts: number | WaitOptions = E2E_WAIT_MS,
): Promise<MatrixEvent[]> {
  const opts: WaitOptions =
    typeof timeoutOrOpts === 'number' ? { timeoutMs: timeoutOrOpts } : timeoutOrOpts;
  const timeoutMs = opts.timeoutMs ?? E2E_WAIT_MS;
  const interval = opts.intervalMs ?? 150;
  const deadline = Date.now() + timeoutMs;
  const matched = new Map<string, MatrixEvent>(); // event id -> event, chronological
  let seen = 0;
  const recent: MatrixEvent[] = [];
  const consider = (e: MatrixEvent): void => {
    seen++;
    recent.push(e);
    if (recent.length > 10) recent.shift();
    if (!matched.has(e.event_id) && predicate(e)) matched.set(e.event_id, e);
  };

  // 1. Where to start reading forward from, and which existing events count.
  let forwardToken: string;
  if (opts.since && !opts.since.startsWith('$')) {
    forwardToken = opts.since;
  } else {
    const first = await room.messages(roomId, { dir: 'b', limit: 100 });
    forwardToken = first.start;
    const existing: MatrixEvent[] = [];
    const limit = opts.since ? 10_000 : (opts.backfill ?? 200);
    let page = first;
    let found = false;
    for (;;) {
      for (const e of page.chunk) {
        if (opts.since && e.event_id === opts.since) {
          found = true;
          break;
        }
        existing.push(e);
      }
      if (found || existing.length >= limit || !page.end || page.chunk.length === 0) break;
      page = await room.messages(roomId, { dir: 'b', limit: 100, from: page.end });
    }
    if (opts.since && !found) {
      throw new Error(`waitForEvents: event ${opts.since} not found in room ${roomId}`);
    }
    const candidates = existing.slice(0, limit).reverse(); // oldest first
    for (const e of candidates) consider(e);
    if (!opts.since && matched.size > count) {
      // Keep the newest matches.
      const newest = [...matched.values()].slice(-count);
      return newest;
    }
  }

  // 2. Poll forward from the token.
  for (;;) {
    if (matched.size >= count) return [...matched.values()].slice(0, count);
    if (Date.now() > deadline) {
      throw new Error(
        `waitForEvents: timed out after ${timeoutMs} ms in ${roomId}: ${matched.size}/${count} matching ` +
          `of ${seen} events seen; matched: ${JSON.stringify([...matched.values()].map(summarise))}; ` +
          `latest events: ${JSON.stringify(recent.map(summarise))}`,
      );
    }
    const page = await room.messages(roomId, { dir: 'f', limit: 100, from: forwardToken });
    for (const e of page.chunk) consider(e);
    if (page.chunk.length > 0 && page.end) {
      forwardToken = page.end;
      continue; // more may be waiting
    }
    await sleep(interval);
  }
}

function summarise(e: MatrixEvent): Record<string, unknown> {
  const body = e.content.body;
  const short = typeof body === 'string' && body.length > 120 ? `${body.slice(0, 120)}…` : body;
  return { event_id: e.event_id, type: e.type, sender: e.sender, body: short };
}
