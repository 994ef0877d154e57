import type { MatrixEvent } from './durable-appservice.js';

/** The part of the bot's Matrix client the catch-up uses (matrix-bot-sdk's `doRequest`). */
export interface MatrixRequester {
  doRequest(
    method: string,
    path: string,
    qs?: Record<string, unknown> | null,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<unknown>;
}

export interface RoomGapInput {
  roomId: string;
  /**
   * The room's position at the previous check (a `/messages` `start` token): paging never
   * goes back past it.
   */
  since: string;
  botUserId: string;
  /** Event types asked for, `m.room.member` included (to find the bot's own join). */
  types: readonly string[];
  /** Which of these event ids the inbox already holds. */
  recorded(eventIds: string[]): Promise<Set<string>>;
  /** At most this many events are taken from the room (the newest). */
  maxEvents: number;
  pageSize: number;
  requestTimeoutMs: number;
  /** Checked between page requests: true ends paging early (the bridge is stopping). */
  stopped?(): boolean;
}

export interface RoomGap {
  /** Events not in the inbox yet, oldest first, membership and redacted events left out. */
  events: MatrixEvent[];
  /** The room's position now, for the next check (undefined if the server gave none). */
  position: string | undefined;
  /** `/messages` requests made. */
  pages: number;
  /** Paging stopped at `maxEvents` before reaching a recorded event or the previous position. */
  truncated: boolean;
}

/** Guards against a server that keeps answering empty pages with a new `end`. */
const MAX_EMPTY_PAGES = 20;

interface MessagesPage {
  chunk?: unknown[];
  start?: unknown;
  end?: unknown;
}

export function messagesPath(roomId: string): string {
  return `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`;
}

/** A client-format event of `roomId`, or undefined if malformed. */
export function roomEvent(raw: unknown, roomId: string): MatrixEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const ok =
    typeof o.event_id === 'string' &&
    typeof o.sender === 'string' &&
    typeof o.type === 'string' &&
    typeof o.content === 'object' &&
    o.content !== null;
  return ok ? ({ ...o, room_id: roomId } as unknown as MatrixEvent) : undefined;
}

/** The bot's own join (not a profile change): what came before it is history, not a gap. */
function isBotJoin(e: MatrixEvent, botUserId: string): boolean {
  if (e.type !== 'm.room.member' || e.state_key !== botUserId) return false;
  if (e.content.membership !== 'join') return false;
  const prev = (e.unsigned?.prev_content as { membership?: unknown } | undefined)?.membership;
  return prev !== 'join';
}

const isRedacted = (e: MatrixEvent): boolean => e.unsigned?.redacted_because !== undefined;

/**
 * The room's current position, without reading any event (a room seen for the first time:
 * its history is not replayed).
 */
export async function roomPosition(
  client: MatrixRequester,
  roomId: string,
  requestTimeoutMs: number,
): Promise<string | undefined> {
  const res = (await client.doRequest(
    'GET',
    messagesPath(roomId),
    { dir: 'b', limit: 1 },
    null,
    requestTimeoutMs,
  )) as MessagesPage | null;
  return typeof res?.start === 'string' ? res.start : undefined;
}

/**
 * What one portal room adds to the inbox since its previous check: pages the room back
 * with `/messages?dir=b` from its newest event (never past `since`) until an event the inbox
 * already holds, the bot's own join, or `maxEvents`. Events before the bot joined are the
 * room's history, not missed events: they are never taken. Events the inbox already holds,
 * membership events (transactions act on those) and events redacted since (nothing to
 * bridge) are left out; the rest is returned oldest first.
 *
 * Stopping at the first recorded event relies on the inbox holding every event before a
 * recorded one; the catch-up keeps that true after an outage by running before the
 * homeserver's next transaction is recorded.
 */
export async function roomGap(client: MatrixRequester, input: RoomGapInput): Promise<RoomGap> {
  const filter = JSON.stringify({ types: input.types, lazy_load_members: true });
  const newestFirst: MatrixEvent[] = [];
  const recorded = new Set<string>();
  let position: string | undefined;
  let from: string | undefined;
  let pages = 0;
  let truncated = false;
  let emptyPages = 0;
  walk: while (!input.stopped?.()) {
    const limit = Math.min(input.pageSize, input.maxEvents - newestFirst.length);
    const qs: Record<string, unknown> = { dir: 'b', to: input.since, limit, filter };
    if (from !== undefined) qs.from = from;
    const res = (await client.doRequest(
      'GET',
      messagesPath(input.roomId),
      qs,
      null,
      input.requestTimeoutMs,
    )) as MessagesPage | null;
    pages++;
    if (pages === 1 && typeof res?.start === 'string') position = res.start;
    const chunk = (res?.chunk ?? [])
      .map((raw) => roomEvent(raw, input.roomId))
      .filter((e): e is MatrixEvent => e !== undefined);
    if (chunk.length > 0) {
      for (const id of await input.recorded(chunk.map((e) => e.event_id))) recorded.add(id);
    }
    for (const e of chunk) {
      if (recorded.has(e.event_id) || isBotJoin(e, input.botUserId)) break walk;
      newestFirst.push(e);
      if (newestFirst.length >= input.maxEvents) {
        truncated = true;
        break walk;
      }
    }
    emptyPages = chunk.length === 0 ? emptyPages + 1 : 0;
    const end = res?.end;
    if (typeof end !== 'string' || end === from || emptyPages >= MAX_EMPTY_PAGES) break;
    from = end;
  }

  const events = newestFirst.reverse().filter((e) => e.type !== 'm.room.member' && !isRedacted(e));
  return { events, position, pages, truncated };
}
