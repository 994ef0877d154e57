import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PortalJoiner, type BotMembership } from '../../src/app/portal-joins.js';
import { settlesWithin, waitFor } from '../harness/wait.js';

const log = pino({ level: 'silent' });

function fakeBot(joined: string[], refuse: string[] = [], delayMs = 5) {
  let inFlight = 0;
  const calls = { joins: [] as string[], maxInFlight: 0, listed: 0 };
  const bot: BotMembership = {
    userId: '@bot:hs',
    joinedRooms: () => {
      calls.listed++;
      return Promise.resolve([...joined]);
    },
    join: async (roomId) => {
      calls.joins.push(roomId);
      inFlight++;
      calls.maxInFlight = Math.max(calls.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      if (refuse.includes(roomId)) throw new Error('M_FORBIDDEN');
    },
  };
  return { bot, calls };
}

const rooms = (n: number): string[] => Array.from({ length: n }, (_, i) => `!r${i}:hs`);

describe('PortalJoiner', () => {
  it('asks once which rooms the bot is in and joins only the others', async () => {
    const all = rooms(10);
    const { bot, calls } = fakeBot(all.slice(0, 7));
    const summary = await new PortalJoiner(() => all, bot, log).start();
    expect(calls.listed).toBe(1);
    expect(calls.joins.sort()).toEqual(all.slice(7).sort());
    expect(summary).toEqual({ present: 7, joined: 3, failed: 0 });
  });

  it('joins a few at a time and counts refusals without stopping', async () => {
    const all = rooms(40);
    const { bot, calls } = fakeBot([], ['!r3:hs', '!r30:hs']);
    const summary = await new PortalJoiner(() => all, bot, log).start();
    expect(calls.joins).toHaveLength(40);
    expect(calls.maxInFlight).toBeGreaterThan(1);
    expect(calls.maxInFlight).toBeLessThanOrEqual(4);
    expect(summary).toEqual({ present: 0, joined: 38, failed: 2 });
  });

  it('joins every portal when the homeserver cannot list the bot’s rooms', async () => {
    const all = rooms(3);
    const { bot, calls } = fakeBot([]);
    bot.joinedRooms = () => Promise.reject(new Error('502'));
    await new PortalJoiner(() => all, bot, log).start();
    expect(calls.joins).toHaveLength(3);
  });

  it('stops between joins when the bridge stops', async () => {
    const all = rooms(200);
    const { bot, calls } = fakeBot([], [], 20);
    const joiner = new PortalJoiner(() => all, bot, log);
    const run = joiner.start();
    await waitFor(() => calls.joins.length > 0, { what: 'the first join' });
    await joiner.stop();
    const summary = await run;
    expect(calls.joins.length).toBeLessThan(all.length);
    expect(summary.joined + summary.failed).toBe(calls.joins.length);
  });
});

describe('PortalJoiner.startWithin', () => {
  it('returns when the joins are done, or at the bound with the rest still joining', async () => {
    const quick = fakeBot([], [], 1);
    // The bound is never reached: returning at all means it returned when the joins were done.
    await settlesWithin(
      new PortalJoiner(() => rooms(3), quick.bot, log).startWithin(10 * 60_000),
      'startWithin with quick joins',
    );
    expect(quick.calls.joins).toHaveLength(3);

    // 40 joins of 200 ms, 4 at a time, take 2 s: far past the 60 ms bound even when slowed.
    const slow = fakeBot([], [], 200);
    const joiner = new PortalJoiner(() => rooms(40), slow.bot, log);
    await joiner.startWithin(60);
    expect(slow.calls.joins.length).toBeLessThan(40);
    expect((await joiner.start()).joined).toBe(40);
  });
});
