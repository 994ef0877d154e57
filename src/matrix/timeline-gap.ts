import { BridgeError } from '../util/errors.js';
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
   * The room's position after its previous complete check (a `/messages` token): every event
   * before it is in the inbox; paging starts here and goes forward to the present.
   */
  since: string;
  botUserId: string;
  /** Event types asked for, `m.room.member` included (to find the bot's own join). */
  types: readonly string[];
  /** Which of these event ids the inbox already holds. */
  recorded(eventIds: string[]): Promise<Set<string>>;
  /**
   * Records one page's missing events (oldest first) durably; then the position after that
   * page (undefined if the server gave none) may be stored. Throwing ends the walk.
   */
  onPage(events: MatrixEvent[], position: string | undefined): Promise<void>;
  pageSize: number;
  requestTimeoutMs: number;
  /** Checked between page requests: true ends paging early (the bridge is stopping). */
  stopped?(): boolean;
}

export interface RoomGap {
  /** Events handed to `onPage`. */
  handed: number;
  /** `/messages` requests made. */
  pages: number;
  /** The walk reached the room's present (false only when it was stopped). */
  complete: boolean;
}

/** The homeserver answered a page without moving on: paging again would read it for ever. */
export class PagingStalledError extends BridgeError {
  constructor(roomId: string) {
    super(
      'MATRIX_PAGING_STALLED',
      `the homeserver returned events of ${roomId} without a new pagination token; the bridge checks the room again with back-off (if this repeats, report it with the homeserver's version)`,
    );
  }
}

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
 * What one portal room lacks in the inbox since its previous complete check: pages the room
 * forward with `/messages?dir=f` from `since` to the present, handing each page's missing
 * events to `onPage` oldest first before asking for the next, so a position is only ever
 * stored after everything before it was recorded. Every event since `since` is looked at:
 * the walk never stops at an event the inbox holds, because a live event can be recorded
 * after an older one the homeserver dropped. Events before the bot's own join in a page are
 * the room's history and left out, as are membership events (transactions act on those),
 * events redacted since (nothing to bridge) and events the inbox already holds.
 */
export async function roomGap(client: MatrixRequester, input: RoomGapInput): Promise<RoomGap> {
  const filter = JSON.stringify({ types: input.types, lazy_load_members: true });
  let from = input.since;
  let pages = 0;
  let handed = 0;
  while (!input.stopped?.()) {
    const qs = { dir: 'f', from, limit: input.pageSize, filter };
    const res = (await client.doRequest(
      'GET',
      messagesPath(input.roomId),
      qs,
      null,
      input.requestTimeoutMs,
    )) as MessagesPage | null;
    pages++;
    const chunk = (res?.chunk ?? [])
      .map((raw) => roomEvent(raw, input.roomId))
      .filter((e): e is MatrixEvent => e !== undefined);
    const end = typeof res?.end === 'string' ? res.end : undefined;
    if (chunk.length === 0 && (end === undefined || end === from)) {
      return { handed, pages, complete: true };
    }
    if (end === from) throw new PagingStalledError(input.roomId);
    const missing = await missingEvents(chunk, input);
    await input.onPage(missing, end);
    handed += missing.length;
    if (end === undefined) return { handed, pages, complete: true };
    from = end;
  }
  return { handed, pages, complete: false };
}

/** A page's events the intake should get: after the bot's join, bridged, not yet recorded. */
async function missingEvents(chunk: MatrixEvent[], input: RoomGapInput): Promise<MatrixEvent[]> {
  const join = chunk.findLastIndex((e) => isBotJoin(e, input.botUserId));
  const candidates = chunk
    .slice(join + 1)
    .filter((e) => e.type !== 'm.room.member' && !isRedacted(e));
  if (candidates.length === 0) return [];
  const recorded = await input.recorded(candidates.map((e) => e.event_id));
  return candidates.filter((e) => !recorded.has(e.event_id));
}
