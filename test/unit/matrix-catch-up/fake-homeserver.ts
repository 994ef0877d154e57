import type { MatrixRequester } from '../../../src/matrix/timeline-gap.js';

export interface FakeEvent {
  event_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
}

export const BOT = '@bot:hs';

export function msg(id: string, sender = '@alice:hs'): FakeEvent {
  return { event_id: id, sender, type: 'm.room.message', content: { msgtype: 'm.text', body: id } };
}

export function member(id: string, userId: string, membership: string, prev?: string): FakeEvent {
  return {
    event_id: id,
    sender: userId,
    type: 'm.room.member',
    state_key: userId,
    content: { membership },
    ...(prev ? { unsigned: { prev_content: { membership: prev } } } : {}),
  };
}

export interface Call {
  method: string;
  path: string;
  qs: Record<string, unknown>;
  timeoutMs: number | undefined;
}

/**
 * A room's history as a homeserver pages it: token `p<n>` is the position just after event
 * n-1 (so `p0` is the start and `p<length>` the newest position).
 */
export class FakeRoom {
  readonly events: FakeEvent[];

  constructor(
    readonly roomId: string,
    events: FakeEvent[] = [],
  ) {
    this.events = [...events];
  }

  pos(n: number): string {
    return `p${n}`;
  }

  get newest(): string {
    return this.pos(this.events.length);
  }

  send(...events: FakeEvent[]): void {
    this.events.push(...events);
  }

  /** `/messages`: `dir=b` pages newest first from `from` (default: the newest), never before `to`; `dir=f` oldest first from `from`. */
  messages(qs: Record<string, unknown>): { chunk: FakeEvent[]; start: string; end?: string } {
    if (qs.dir === 'f') return this.forward(qs);
    const from = qs.from === undefined ? this.events.length : Number(String(qs.from).slice(1));
    const to = qs.to === undefined ? 0 : Number(String(qs.to).slice(1));
    const limit = Number(qs.limit ?? 10);
    const stop = Math.max(to, from - limit);
    const chunk = this.events.slice(stop, from).reverse().filter(typeFilter(qs));
    return { chunk, start: this.pos(from), ...(stop > to ? { end: this.pos(stop) } : {}) };
  }

  /** Like Synapse: an `end` after every non-empty slice, none once there is nothing newer. */
  private forward(qs: Record<string, unknown>): {
    chunk: FakeEvent[];
    start: string;
    end?: string;
  } {
    const from = Number(String(qs.from ?? 'p0').slice(1));
    const upTo = Math.min(this.events.length, from + Number(qs.limit ?? 10));
    const slice = this.events.slice(from, upTo);
    const chunk = slice.filter(typeFilter(qs));
    return { chunk, start: this.pos(from), ...(slice.length > 0 ? { end: this.pos(upTo) } : {}) };
  }
}

function typeFilter(qs: Record<string, unknown>): (e: FakeEvent) => boolean {
  const types = qs.filter
    ? (JSON.parse(String(qs.filter)) as { types?: string[] }).types
    : undefined;
  return (e) => !types || types.includes(e.type);
}

/** Answers `/messages` from FakeRooms and `/versions`; `down` fails every request. */
export class FakeHomeserver implements MatrixRequester {
  readonly calls: Call[] = [];
  rooms = new Map<string, FakeRoom>();
  /** Every request fails with this (or a refused connection for `true`). */
  down: boolean | Error = false;
  /** Rooms the bot may not read (answered 403). */
  forbidden = new Set<string>();
  /** Delays each `/messages` answer. */
  delayMs = 0;
  /** The next this many `/messages` requests fail with `failWith` (then it answers again). */
  failNext = 0;
  failWith: Error = Object.assign(new Error('502 Bad Gateway'), { statusCode: 502 });

  addRoom(room: FakeRoom): FakeRoom {
    this.rooms.set(room.roomId, room);
    return room;
  }

  async doRequest(
    method: string,
    path: string,
    qs?: Record<string, unknown> | null,
    _body?: unknown,
    timeoutMs?: number,
  ): Promise<unknown> {
    const q = qs ?? {};
    this.calls.push({ method, path, qs: q, timeoutMs });
    // unref: a request delayed "forever" must not keep the test worker alive.
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs).unref());
    if (this.down === true) {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8008'), {
        code: 'ECONNREFUSED',
      });
    }
    if (this.down) throw this.down;
    if (path.endsWith('/messages') && this.failNext > 0) {
      this.failNext--;
      throw this.failWith;
    }
    if (path === '/_matrix/client/versions') return { versions: ['v1.11'] };
    const m = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/messages$/.exec(path);
    const roomId = m ? decodeURIComponent(m[1] as string) : '';
    if (this.forbidden.has(roomId)) {
      throw Object.assign(new Error('M_FORBIDDEN: not in room'), {
        statusCode: 403,
        errcode: 'M_FORBIDDEN',
      });
    }
    const room = this.rooms.get(roomId);
    if (!room) throw Object.assign(new Error('M_NOT_FOUND'), { statusCode: 404 });
    return room.messages(q);
  }

  messageCalls(roomId?: string): Call[] {
    return this.calls.filter(
      (c) =>
        c.path.endsWith('/messages') &&
        (roomId === undefined || c.path.includes(encodeURIComponent(roomId))),
    );
  }

  probes(): Call[] {
    return this.calls.filter((c) => c.path === '/_matrix/client/versions');
  }
}
