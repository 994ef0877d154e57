import { describe, expect, it } from 'vitest';
import { roomGap, roomPosition, type RoomGapInput } from '../../../src/matrix/timeline-gap.js';
import { BOT, FakeHomeserver, FakeRoom, member, msg, type FakeEvent } from './fake-homeserver.js';

const TYPES = ['m.room.message', 'm.sticker', 'm.reaction', 'm.room.redaction', 'm.room.member'];
const ROOM = '!portal:hs';

/** `n` messages m<from>…m<from+n-1> from Alice. */
function history(n: number, from = 0): FakeEvent[] {
  return Array.from({ length: n }, (_, i) => msg(`$m${from + i}`));
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `$m${from + i}`);

/** A room whose previous complete check was at position `since`; `recorded` are in the inbox. */
function setUp(events: FakeEvent[], since: number, recorded: string[] = []) {
  const hs = new FakeHomeserver();
  const room = hs.addRoom(new FakeRoom(ROOM, events));
  const inbox = new Set(recorded);
  const lookups: string[][] = [];
  /** What `onPage` got: each page's events and the position after it. */
  const pages: Array<{ events: string[]; position: string | undefined }> = [];
  const input: RoomGapInput = {
    roomId: ROOM,
    since: room.pos(since),
    botUserId: BOT,
    types: TYPES,
    recorded: (ids) => {
      lookups.push(ids);
      return Promise.resolve(new Set(ids.filter((id) => inbox.has(id))));
    },
    onPage: (events, position) => {
      for (const e of events) inbox.add(e.event_id);
      pages.push({ events: ids(events), position });
      return Promise.resolve();
    },
    pageSize: 10,
    requestTimeoutMs: 1234,
  };
  /** Every event handed on, in order. */
  const handed = (): string[] => pages.flatMap((p) => p.events);
  return { hs, room, input, lookups, pages, handed, inbox };
}

const ids = (events: Array<{ event_id: string }>): string[] => events.map((e) => e.event_id);

describe('roomGap', () => {
  it('asks for one page when nothing happened, forward from the position', async () => {
    const { hs, room, input, pages } = setUp(history(10), 10);
    const gap = await roomGap(hs, input);
    expect(gap).toEqual({ handed: 0, pages: 1, complete: true });
    expect(pages).toEqual([]);
    expect(hs.calls[0]).toMatchObject({
      method: 'GET',
      path: `/_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/messages`,
      qs: { dir: 'f', from: room.pos(10), limit: 10 },
      timeoutMs: 1234,
    });
    expect(JSON.parse(String(hs.calls[0]?.qs.filter))).toEqual({
      types: TYPES,
      lazy_load_members: true,
    });
  });

  it('pages forward to the present, handing each page oldest first before moving on', async () => {
    // m0..m29 were recorded; the homeserver dropped m30..m44, then m45..m59 came.
    const { hs, room, input, pages, handed } = setUp(history(60), 30, range(0, 30));
    const gap = await roomGap(hs, input);
    expect(handed()).toEqual(range(30, 60));
    expect(gap).toEqual({ handed: 30, pages: 4, complete: true });
    expect(pages.map((p) => p.position)).toEqual([room.pos(40), room.pos(50), room.pos(60)]);
    expect(hs.messageCalls().map((c) => c.qs.from)).toEqual([
      room.pos(30),
      room.pos(40),
      room.pos(50),
      room.pos(60),
    ]);
  });

  it('hands on the room id with each event', async () => {
    const { hs, input } = setUp(history(3), 0);
    const events: Array<{ room_id: string }> = [];
    await roomGap(hs, { ...input, onPage: (e) => (events.push(...e), Promise.resolve()) });
    expect(events.map((e) => e.room_id)).toEqual([ROOM, ROOM, ROOM]);
  });

  it('does not stop at a recorded event: one a live transaction recorded can follow a dropped one', async () => {
    // m5 and m7 were dropped; m6, m8 and m9 came live in transactions and were recorded.
    const { hs, input, handed } = setUp(history(10), 5, ['$m6', '$m8', '$m9']);
    await roomGap(hs, input);
    expect(handed()).toEqual(['$m5', '$m7']);
  });

  it('has no bound: a gap of any size is walked to the end', async () => {
    const { hs, input, handed } = setUp(history(1234), 0);
    const gap = await roomGap(hs, { ...input, pageSize: 100 });
    expect(handed()).toEqual(range(0, 1234));
    expect(gap.complete).toBe(true);
  });

  it('records nothing past a page it could not hand on, so the position never passes it', async () => {
    const { hs, room, input, pages } = setUp(history(30), 0);
    let calls = 0;
    const failing: RoomGapInput = {
      ...input,
      onPage: (events, position) => {
        if (++calls === 2) return Promise.reject(new Error('database is gone'));
        return input.onPage(events, position);
      },
    };
    await expect(roomGap(hs, failing)).rejects.toThrow('database is gone');
    expect(pages.map((p) => p.position)).toEqual([room.pos(10)]);
  });

  it('walks over echoes (never recorded) and hands them on for the intake to ignore', async () => {
    const ghost = (id: string): FakeEvent => msg(id, '@_bridge_chat_w_bob:hs');
    const events = [msg('$a'), ghost('$g1'), ghost('$g2'), msg('$b'), ghost('$g3')];
    const { hs, input, handed } = setUp(events, 0, ['$a']);
    await roomGap(hs, input);
    expect(handed()).toEqual(['$g1', '$g2', '$b', '$g3']);
  });

  it('keeps paging over pages the filter emptied, until the server has no more', async () => {
    const noise = Array.from({ length: 25 }, (_, i) => ({
      event_id: `$n${i}`,
      sender: '@alice:hs',
      type: 'm.room.topic',
      content: {},
    }));
    const { hs, input, handed } = setUp([...history(3), ...noise, msg('$late')], 0);
    const gap = await roomGap(hs, input);
    expect(handed()).toEqual(['$m0', '$m1', '$m2', '$late']);
    expect(gap.complete).toBe(true);
  });

  it('replays nothing from before the bot joined', async () => {
    const events = [...history(5), member('$join', BOT, 'join', 'invite'), msg('$a'), msg('$b')];
    const { hs, input, handed } = setUp(events, 0);
    await roomGap(hs, input);
    expect(handed()).toEqual(['$a', '$b']);
  });

  it('does not take the bot’s profile change for a join, and hands no membership on', async () => {
    const events = [
      msg('$a'),
      member('$profile', BOT, 'join', 'join'),
      member('$carol', '@carol:hs', 'join'),
      msg('$b'),
    ];
    const { hs, input, handed } = setUp(events, 0);
    await roomGap(hs, input);
    expect(handed()).toEqual(['$a', '$b']);
  });

  it('leaves out events redacted since and malformed ones', async () => {
    const redacted = { ...msg('$gone'), content: {}, unsigned: { redacted_because: {} } };
    const events = [msg('$a'), redacted, { event_id: '$bad' } as unknown as FakeEvent, msg('$b')];
    const { hs, input, handed } = setUp(events, 0);
    await roomGap(hs, input);
    expect(handed()).toEqual(['$a', '$b']);
  });

  it('ends paging when the bridge stops, saying it did not get to the present', async () => {
    const { hs, input } = setUp(history(100), 0);
    let checks = 0;
    const gap = await roomGap(hs, { ...input, stopped: () => checks++ >= 2 });
    expect(gap).toMatchObject({ pages: 2, complete: false });
  });

  it('refuses a server that returns events without moving on', async () => {
    const hs = new FakeHomeserver();
    hs.doRequest = () => Promise.resolve({ chunk: [msg('$a')], start: 'p0', end: 'p0' });
    const { input } = setUp([], 0);
    await expect(roomGap(hs, input)).rejects.toMatchObject({ code: 'MATRIX_PAGING_STALLED' });
  });

  it('asks the inbox once per page', async () => {
    const { hs, input, lookups } = setUp(history(30), 0, range(0, 30));
    const gap = await roomGap(hs, input);
    expect(lookups).toHaveLength(gap.pages - 1); // the last, empty page needs no lookup
    expect(lookups[0]).toEqual(range(0, 10));
  });
});

describe('roomPosition', () => {
  it('takes the room’s newest position from one request', async () => {
    const hs = new FakeHomeserver();
    const room = hs.addRoom(new FakeRoom(ROOM, history(7)));
    expect(await roomPosition(hs, ROOM, 99)).toBe(room.pos(7));
    expect(hs.calls).toEqual([
      expect.objectContaining({ qs: { dir: 'b', limit: 1 }, timeoutMs: 99 }),
    ]);
  });
});
