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

/** A room whose previous check was at position `since`; `recorded` are in the inbox. */
function setUp(events: FakeEvent[], since: number, recorded: string[] = []) {
  const hs = new FakeHomeserver();
  const room = hs.addRoom(new FakeRoom(ROOM, events));
  const inbox = new Set(recorded);
  const lookups: string[][] = [];
  const input: RoomGapInput = {
    roomId: ROOM,
    since: room.pos(since),
    botUserId: BOT,
    types: TYPES,
    recorded: (ids) => {
      lookups.push(ids);
      return Promise.resolve(new Set(ids.filter((id) => inbox.has(id))));
    },
    maxEvents: 500,
    pageSize: 10,
    requestTimeoutMs: 1234,
  };
  return { hs, room, input, lookups };
}

const ids = (events: Array<{ event_id: string }>): string[] => events.map((e) => e.event_id);

describe('roomGap', () => {
  it('asks for nothing more than one page when nothing happened', async () => {
    const { hs, room, input } = setUp(history(10), 10);
    const gap = await roomGap(hs, input);
    expect(gap).toEqual({ events: [], position: room.pos(10), pages: 1, truncated: false });
    expect(hs.calls[0]).toMatchObject({
      method: 'GET',
      path: `/_matrix/client/v3/rooms/${encodeURIComponent(ROOM)}/messages`,
      qs: { dir: 'b', to: room.pos(10), limit: 10 },
      timeoutMs: 1234,
    });
    expect(hs.calls[0]?.qs.from).toBeUndefined();
    expect(JSON.parse(String(hs.calls[0]?.qs.filter))).toEqual({
      types: TYPES,
      lazy_load_members: true,
    });
  });

  it('pages back to the last recorded event and returns what follows it, oldest first, with the room id', async () => {
    // m0..m29 were recorded; the homeserver dropped m30..m44, then m45..m59 came.
    const { hs, room, input } = setUp(history(60), 20, range(0, 30));
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(range(30, 60));
    expect(gap.events.every((e) => e.room_id === ROOM)).toBe(true);
    expect(gap).toMatchObject({ position: room.pos(60), truncated: false, pages: 4 });
    // Each page from the previous one's end, always bounded by the previous position.
    const calls = hs.messageCalls();
    expect(calls.map((c) => c.qs.from)).toEqual([
      undefined,
      room.pos(50),
      room.pos(40),
      room.pos(30),
    ]);
    expect(calls.every((c) => c.qs.to === room.pos(20))).toBe(true);
  });

  it('never pages back past the previous position', async () => {
    const { hs, input } = setUp(history(40), 12);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(range(12, 40));
    expect(gap.truncated).toBe(false);
  });

  it('stops at the newest recorded event: the inbox holds everything before it', async () => {
    const { hs, input } = setUp(history(60), 0, ['$m56']);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(range(57, 60));
    expect(gap.pages).toBe(1);
  });

  it('stops at the bound, keeping the newest events, and says so', async () => {
    const { hs, input } = setUp(history(100), 0);
    const gap = await roomGap(hs, { ...input, maxEvents: 23 });
    expect(ids(gap.events)).toEqual(range(77, 100));
    expect(gap.truncated).toBe(true);
    // The last page asked only for what was left under the bound.
    expect(hs.messageCalls().map((c) => c.qs.limit)).toEqual([10, 10, 3]);
  });

  it('walks over echoes (never recorded) and hands them on for the intake to ignore', async () => {
    const ghost = (id: string): FakeEvent => msg(id, '@_bridge_chat_w_bob:hs');
    const events = [msg('$a'), ghost('$g1'), ghost('$g2'), msg('$b'), ghost('$g3')];
    const { hs, input } = setUp(events, 0, ['$a']);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(['$g1', '$g2', '$b', '$g3']);
  });

  it('keeps paging over pages the filter emptied, until the server has no more', async () => {
    const noise = Array.from({ length: 25 }, (_, i) => ({
      event_id: `$n${i}`,
      sender: '@alice:hs',
      type: 'm.room.topic',
      content: {},
    }));
    const { hs, input } = setUp([...history(3), ...noise, msg('$late')], 0);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(['$m0', '$m1', '$m2', '$late']);
    expect(gap.truncated).toBe(false);
  });

  it('replays nothing from before the bot joined', async () => {
    const events = [...history(5), member('$join', BOT, 'join', 'invite'), msg('$a'), msg('$b')];
    const { hs, input } = setUp(events, 0);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(['$a', '$b']);
    expect(gap.pages).toBe(1);
  });

  it('stops at the bot’s join found pages back', async () => {
    const after = history(30, 100);
    const { hs, input } = setUp([...history(5), member('$join', BOT, 'join'), ...after], 0);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(ids(after));
    expect(gap.truncated).toBe(false);
  });

  it('does not take the bot’s profile change for a join, and hands no membership on', async () => {
    const events = [
      msg('$a'),
      member('$profile', BOT, 'join', 'join'),
      member('$carol', '@carol:hs', 'join'),
      msg('$b'),
    ];
    const { hs, input } = setUp(events, 0);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(['$a', '$b']);
  });

  it('leaves out events redacted since and malformed ones', async () => {
    const redacted = { ...msg('$gone'), content: {}, unsigned: { redacted_because: {} } };
    const events = [msg('$a'), redacted, { event_id: '$bad' } as unknown as FakeEvent, msg('$b')];
    const { hs, input } = setUp(events, 0);
    const gap = await roomGap(hs, input);
    expect(ids(gap.events)).toEqual(['$a', '$b']);
  });

  it('ends paging when the bridge stops', async () => {
    const { hs, input } = setUp(history(100), 0);
    let checks = 0;
    const gap = await roomGap(hs, { ...input, stopped: () => checks++ >= 2 });
    expect(gap.pages).toBe(2);
  });

  it('asks the inbox once per page', async () => {
    const { hs, input, lookups } = setUp(history(60), 20, range(0, 30));
    const gap = await roomGap(hs, input);
    expect(lookups).toHaveLength(gap.pages);
    expect(lookups[0]).toEqual(range(50, 60).reverse());
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
