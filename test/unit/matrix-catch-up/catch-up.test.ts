import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MatrixCatchUp,
  POSITION_PREFIX,
  isUnreachable,
  type CatchUpSettings,
} from '../../../src/matrix/catch-up.js';
import type { MatrixEvent } from '../../../src/matrix/durable-appservice.js';
import { BOT, FakeHomeserver, FakeRoom, msg } from './fake-homeserver.js';
import {
  DEFAULT_WAIT_MS as WAIT_MS,
  settlesWithin,
  untilPasses,
  waitFor,
} from '../../harness/wait.js';

const PORTAL = '!portal:hs';
const OTHER = '!other:hs';

const FOREVER_MS = 10 * 60_000;
/** Polls until `assertion` passes (30 s deadline: a loaded machine is slow, not wrong). */
const eventually = (assertion: () => unknown) =>
  untilPasses(assertion, { what: 'the catch-up to get there' });

function fakeLog() {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const at =
    (level: string) =>
    (a: unknown, b?: unknown): void => {
      lines.push(
        typeof a === 'string'
          ? { level, msg: a, fields: {} }
          : { level, msg: String(b), fields: a as Record<string, unknown> },
      );
    };
  const log = { info: at('info'), warn: at('warn'), debug: at('debug'), error: at('error') };
  return { log: log as unknown as Logger, lines };
}

const event = (id: string, roomId = PORTAL): MatrixEvent => ({ ...msg(id), room_id: roomId });

interface WorldOptions {
  /** Rooms (with their history) and the position each was last checked at. */
  rooms?: Array<{ room: FakeRoom; checkedAt?: number }>;
  portals?: string[];
  settings?: Partial<CatchUpSettings>;
}

/**
 * A catch-up over a fake homeserver, a fake inbox (`order` lists what was recorded, in
 * order) and an in-memory key/value store.
 */
function world(o: WorldOptions = {}) {
  const hs = new FakeHomeserver();
  const kv = new Map<string, string>();
  for (const { room, checkedAt } of o.rooms ?? []) {
    hs.addRoom(room);
    if (checkedAt !== undefined) kv.set(POSITION_PREFIX + room.roomId, room.pos(checkedAt));
  }
  const portals = o.portals ?? [...hs.rooms.keys()];
  const inbox = new Set<string>();
  const order: string[] = [];
  const state = { recordFails: false };
  const { log, lines } = fakeLog();
  const catchUp = new MatrixCatchUp(
    {
      client: () => hs,
      botUserId: () => BOT,
      storage: {
        get: (k) => Promise.resolve(kv.get(k)),
        set: (k, v) => {
          kv.set(k, v);
          return Promise.resolve();
        },
        delete: (k) => {
          kv.delete(k);
          return Promise.resolve();
        },
      },
      portalRooms: () => portals,
      isPortalRoom: (roomId) => portals.includes(roomId),
      recorded: (ids) => Promise.resolve(new Set(ids.filter((id) => inbox.has(id)))),
      record: (events: MatrixEvent[]) => {
        if (state.recordFails) return Promise.reject(new Error('database is gone'));
        for (const e of events) {
          inbox.add(e.event_id);
          order.push(e.event_id);
        }
        return Promise.resolve(events.length);
      },
      log,
    },
    {
      intervalMs: 60_000,
      probeIntervalMs: 10,
      // Generous: on a loaded machine a busy event loop must not look like a dead homeserver.
      probeTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
      retryInitialMs: 20,
      retryMaxMs: 40,
      ...o.settings,
    },
  );
  /** A transaction: waits like the bridge's handler, then records its events. */
  const transaction = async (...events: MatrixEvent[]): Promise<void> => {
    await catchUp.beforeTransaction(events);
    for (const e of events) {
      if (inbox.has(e.event_id)) continue;
      inbox.add(e.event_id);
      order.push(e.event_id);
    }
  };
  const done = (): number => lines.filter((l) => l.msg === 'Matrix catch-up done').length;
  return { hs, kv, inbox, order, state, catchUp, lines, transaction, done };
}

let running: MatrixCatchUp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
function start<T extends { catchUp: MatrixCatchUp }>(w: T): T {
  running = w.catchUp;
  w.catchUp.start();
  return w;
}

const position = (w: { kv: Map<string, string> }, roomId = PORTAL): string | undefined =>
  w.kv.get(POSITION_PREFIX + roomId);

describe('MatrixCatchUp', () => {
  it('takes the position of a room seen for the first time, replaying nothing', async () => {
    const room = new FakeRoom(PORTAL, [msg('$old1'), msg('$old2')]);
    const w = start(world({ rooms: [{ room }] }));
    await vi.waitFor(() => expect(position(w)).toBe(room.pos(2)), { timeout: WAIT_MS });
    expect(w.order).toEqual([]);
    expect(w.hs.messageCalls()[0]?.qs).toEqual({ dir: 'b', limit: 1 });
    // Then only what comes after.
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    room.send(msg('$new'));
    await w.transaction(); // nothing to wait for once the start-up run is done
    await vi.waitFor(() => expect(w.hs.probes().length).toBeGreaterThan(0), { timeout: WAIT_MS });
  });

  it('at start-up hands each portal room’s missed events to the intake in order and moves its position', async () => {
    const portal = new FakeRoom(PORTAL, [msg('$a'), msg('$b'), msg('$c'), msg('$d')]);
    const other = new FakeRoom(OTHER, [msg('$x')]);
    const w = world({
      rooms: [
        { room: portal, checkedAt: 1 },
        { room: other, checkedAt: 0 },
      ],
      portals: [PORTAL],
    });
    w.inbox.add('$a');
    w.inbox.add('$b');
    start(w);
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$c', '$d']);
    expect(position(w)).toBe(portal.pos(4));
    expect(w.hs.messageCalls(OTHER)).toEqual([]);
    const summary = w.lines.find((l) => l.msg === 'Matrix catch-up done');
    expect(summary?.level).toBe('info');
    expect(summary?.fields).toMatchObject({ reason: 'start', rooms: 1, recorded: 2 });
  });

  it('after the homeserver was unreachable, records what it dropped before the next transaction', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    // Long back-off: only the transaction's arrival makes the catch-up run promptly.
    const w = start(
      world({
        rooms: [{ room, checkedAt: 0 }],
        settings: { retryInitialMs: 10_000, retryMaxMs: 10_000 },
      }),
    );
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$a']);
    w.hs.down = true; // Synapse stops: the probe fails
    await vi.waitFor(
      () => expect(w.lines.some((l) => l.level === 'warn' && /unreachable/.test(l.msg))).toBe(true),
      { timeout: WAIT_MS },
    );
    // It had persisted $b and $c but dropped them from its appservice queue; $d came later.
    room.send(msg('$b'), msg('$c'));
    w.hs.down = false;
    room.send(msg('$d'));
    await settlesWithin(w.transaction(event('$d')), 'the transaction after the outage');
    expect(w.order).toEqual(['$a', '$b', '$c', '$d']);
    await vi.waitFor(() => expect(w.done()).toBe(2), { timeout: WAIT_MS });
    expect(w.lines.some((l) => l.msg === 'homeserver reachable again')).toBe(true);
    expect(w.lines.findLast((l) => l.msg === 'Matrix catch-up done')?.fields).toMatchObject({
      reason: 'reconnect',
      recorded: 3, // $d too: the catch-up got to it before its transaction
    });
    // Once the run is done, transactions do not wait.
    const calls = w.hs.messageCalls().length;
    await w.transaction(event('$e'));
    expect(w.hs.messageCalls().length).toBe(calls);
  });

  it('holds a transaction only for its own rooms, each checked once per run', async () => {
    const rooms = Array.from({ length: 6 }, (_, i) => new FakeRoom(`!r${i}:hs`, [msg(`$r${i}`)]));
    const w = world({
      rooms: rooms.map((room) => ({ room, checkedAt: 0 })),
      settings: { concurrency: 1 },
    });
    w.hs.delayMs = 30; // a slow start-up run
    start(w);
    await w.transaction(event('$late', '!r5:hs'));
    // r5 was caught up ahead of the run, before the transaction's event.
    expect(w.order.indexOf('$r5')).toBeLessThan(w.order.indexOf('$late'));
    expect(w.order).not.toContain('$r4');
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    // One check: the walk from the room's position (and the empty page that ends it).
    const fromStart = w.hs.messageCalls('!r5:hs').filter((c) => c.qs.from === rooms[5]?.pos(0));
    expect(fromStart).toHaveLength(1);
  });

  it('skips a room the bot cannot read, without failing the run', async () => {
    const readable = new FakeRoom(PORTAL, [msg('$a')]);
    const hidden = new FakeRoom(OTHER, [msg('$x')]);
    const w = world({
      rooms: [
        { room: readable, checkedAt: 0 },
        { room: hidden, checkedAt: 0 },
      ],
    });
    w.hs.forbidden.add(OTHER);
    start(w);
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$a']);
    expect(w.lines.some((l) => l.level === 'warn')).toBe(false);
  });

  it('takes the position of a room it could not read as soon as the room carries traffic', async () => {
    const room = new FakeRoom(PORTAL, [msg('$old')]);
    const w = world({ rooms: [{ room }] });
    w.hs.forbidden.add(PORTAL); // the bot is not in the room yet
    start(w);
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(position(w)).toBeUndefined();
    w.hs.forbidden.delete(PORTAL);
    room.send(msg('$new'));
    await w.transaction(event('$new'));
    await vi.waitFor(() => expect(position(w)).toBe(room.pos(2)), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$new']);
    // Not asked again for every transaction.
    const calls = w.hs.messageCalls().length;
    await w.transaction(event('$newer'));
    expect(w.hs.messageCalls().length).toBe(calls);
  });

  it('holds a transaction while its room’s check fails, for as long as it fails, dropped events first', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    const w = world({ rooms: [{ room, checkedAt: 1 }] });
    w.inbox.add('$a');
    // Synapse dropped $b on its restart; its /messages fails for a while once it is back.
    room.send(msg('$b'), msg('$c'));
    w.hs.failNext = 12;
    start(w);
    await w.transaction(event('$c'));
    expect(w.hs.failNext).toBe(0);
    expect(w.order).toEqual(['$b', '$c']);
    expect(
      w.lines.some((l) => l.level === 'warn' && /transaction waits, retrying/.test(l.msg)),
    ).toBe(true);
  });

  it('holds a transaction through refusals (429) too, until its room is caught up', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a'), msg('$b')]);
    const w = world({ rooms: [{ room, checkedAt: 1 }] });
    w.inbox.add('$a');
    w.hs.failWith = Object.assign(new Error('M_LIMIT_EXCEEDED: slow down'), {
      statusCode: 429,
      errcode: 'M_LIMIT_EXCEEDED',
    });
    w.hs.failNext = 8;
    start(w);
    await w.transaction(event('$c'));
    expect(w.order).toEqual(['$b', '$c']);
    expect(w.lines.find((l) => l.level === 'warn')?.fields).toMatchObject({
      err: 'HTTP 429 M_LIMIT_EXCEEDED M_LIMIT_EXCEEDED: slow down',
    });
  });

  it('does not acknowledge a held transaction when the bridge stops first', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    const w = world({ rooms: [{ room, checkedAt: 0 }] });
    w.hs.failNext = Number.MAX_SAFE_INTEGER;
    start(w);
    const held = w.transaction(event('$b'));
    await vi.waitFor(() => expect(w.hs.messageCalls().length).toBeGreaterThan(2), {
      timeout: WAIT_MS,
    });
    await w.catchUp.stop();
    await expect(held).rejects.toMatchObject({ code: 'MATRIX_CATCH_UP_STOPPED' });
    expect(w.order).toEqual([]);
  });

  it('finds an event the homeserver dropped behind one a live transaction recorded', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    const w = start(
      world({ rooms: [{ room, checkedAt: 0 }], settings: { intervalMs: 50, probeIntervalMs: 5 } }),
    );
    await vi.waitFor(() => expect(w.done()).toBeGreaterThanOrEqual(1), { timeout: WAIT_MS });
    // No outage was noticed: $b never came in a transaction, $c did.
    room.send(msg('$b'), msg('$c'));
    await w.transaction(event('$c'));
    await vi.waitFor(() => expect(w.order).toContain('$b'), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$a', '$c', '$b']);
    await vi.waitFor(() => expect(position(w)).toBe(room.pos(3)), { timeout: WAIT_MS });
  });

  it('recovers a gap of any size, in order, moving the position page by page', async () => {
    const events = Array.from({ length: 1234 }, (_, i) => msg(`$m${i}`));
    const room = new FakeRoom(PORTAL, events);
    const w = start(world({ rooms: [{ room, checkedAt: 0 }], settings: { pageSize: 100 } }));
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(w.order).toEqual(events.map((e) => e.event_id));
    expect(position(w)).toBe(room.pos(1234));
  });

  it('resumes a walk that failed halfway from the last recorded page, skipping nothing', async () => {
    const events = Array.from({ length: 25 }, (_, i) => msg(`$m${i}`));
    const room = new FakeRoom(PORTAL, events);
    const w = world({ rooms: [{ room, checkedAt: 0 }], settings: { pageSize: 10 } });
    let pages = 0;
    const realRequest = w.hs.doRequest.bind(w.hs);
    w.hs.doRequest = (...args) => {
      if (args[1].endsWith('/messages') && ++pages === 2) {
        return Promise.reject(Object.assign(new Error('timeout'), { code: 'ESOCKETTIMEDOUT' }));
      }
      return realRequest(...args);
    };
    start(w);
    await vi.waitFor(() => expect(w.done()).toBe(1), { timeout: WAIT_MS });
    expect(w.order).toEqual(events.map((e) => e.event_id));
    // The failed request (from p10) is not in the log; the retry starts there, not at p0.
    const froms = w.hs.messageCalls().map((c) => c.qs.from);
    expect(froms.slice(0, 3)).toEqual([room.pos(0), room.pos(10), room.pos(20)]);
  });

  it('keeps the old position when recording fails, and tries again', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    const w = world({ rooms: [{ room, checkedAt: 0 }] });
    w.state.recordFails = true;
    start(w);
    await vi.waitFor(
      () =>
        expect(w.lines.some((l) => l.level === 'warn' && /catch-up failed/.test(l.msg))).toBe(true),
      { timeout: WAIT_MS },
    );
    expect(position(w)).toBe(room.pos(0));
    w.state.recordFails = false;
    room.send(msg('$b'));
    await vi.waitFor(() => expect(position(w)).toBe(room.pos(2)), { timeout: WAIT_MS });
    expect(w.order).toEqual(['$a', '$b']);
  });

  it('checks a few rooms at a time periodically, in turn', async () => {
    const rooms = Array.from({ length: 5 }, (_, i) => new FakeRoom(`!r${i}:hs`));
    const w = start(
      world({
        rooms: rooms.map((room) => ({ room, checkedAt: 0 })),
        settings: { intervalMs: 50, roomsPerPeriodicRun: 2 },
      }),
    );
    await vi.waitFor(() => expect(w.done()).toBeGreaterThanOrEqual(4), { timeout: WAIT_MS });
    // Start-up: all 5; then 2 per run, going round: r0 r1, r2 r3, r4 r0, ...
    const order = w.hs.messageCalls().map((c) => decodeURIComponent(c.path.split('/')[5] ?? ''));
    expect(order.slice(5, 11)).toEqual([
      '!r0:hs',
      '!r1:hs',
      '!r2:hs',
      '!r3:hs',
      '!r4:hs',
      '!r0:hs',
    ]);
    // A quiet run is not logged at info.
    const periodic = w.lines.filter((l) => l.fields.reason === 'periodic');
    expect(periodic.every((l) => l.level === 'debug')).toBe(true);
  });

  it('stops without waiting long for a request in flight', async () => {
    const room = new FakeRoom(PORTAL, [msg('$a')]);
    const w = world({ rooms: [{ room, checkedAt: 0 }], settings: { intervalMs: 20 } });
    w.hs.delayMs = FOREVER_MS;
    start(w);
    await waitFor(() => w.hs.calls.length > 0, { what: 'a request in flight' });
    await settlesWithin(w.catchUp.stop(), 'stop() with a request in flight');
    const calls = w.hs.calls.length;
    // A twin with the same interval that keeps running: once it has made a few periodic
    // requests, the stopped one would have made some too, had it not stopped.
    const twin = start(
      world({
        rooms: [{ room: new FakeRoom(PORTAL), checkedAt: 0 }],
        settings: { intervalMs: 20 },
      }),
    );
    await eventually(() => expect(twin.hs.messageCalls().length).toBeGreaterThanOrEqual(3));
    expect(w.hs.calls.length).toBe(calls);
  });
});

describe('isUnreachable', () => {
  it('tells an absent homeserver from one that refuses', () => {
    const code = (c: string) => Object.assign(new Error(c), { code: c });
    expect(isUnreachable(code('ECONNREFUSED'))).toBe(true);
    expect(isUnreachable(code('ECONNRESET'))).toBe(true);
    expect(isUnreachable(code('ESOCKETTIMEDOUT'))).toBe(true);
    expect(isUnreachable({ statusCode: 502 })).toBe(true);
    expect(isUnreachable({ statusCode: 429 })).toBe(false);
    expect(isUnreachable({ statusCode: 403, errcode: 'M_FORBIDDEN' })).toBe(false);
    expect(isUnreachable(new Error('database is gone'))).toBe(false);
  });
});
