import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedChannel } from '../../../src/connector/contract.js';
import { connectorWorld, rest, waitFor } from './world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;

beforeAll(async () => {
  t = await connectorWorld();
});
afterAll(async () => {
  await t?.close();
});

describe('following linked rooms', () => {
  it('picks up rooms linked later and rooms the bot joins later, with what was posted meanwhile', async () => {
    const closed = t.w.sim.createRoom('closed', { type: 'p' });
    const later = t.w.sim.createRoom('later');
    for (const u of [t.w.alice]) t.w.sim.addToRoom(closed._id, u._id);
    for (const u of [t.w.alice, t.w.bot]) t.w.sim.addToRoom(later._id, u._id);
    const now = Date.now() - 1000;
    const links: LinkedChannel[] = [
      { workspace: 'main', channel: t.w.room._id, linkedAt: now },
      { workspace: 'main', channel: closed._id, linkedAt: now },
    ];
    const r = await t.start({ links });
    await t.connected(r);
    // A linked room the bot cannot read does not stop the others.
    const general = await t.post(t.w.alice, 'in general');
    await t.message(r, general);

    const alice = rest(t.w.sim, t.w.alice);
    const post = async (rid: string, msg: string) =>
      (
        (await alice.post('chat.sendMessage', { message: { rid, msg } })).body.message as {
          _id: string;
        }
      )._id;
    const inClosed = await post(closed._id, 'posted before the bot joined');
    const inLater = await post(later._id, 'posted before the link');
    t.w.sim.addToRoom(closed._id, t.w.bot._id);
    links.push({ workspace: 'main', channel: later._id, linkedAt: now });

    // The connector looks for new links and rooms every 15 s: up to 15 s plus a slow pass.
    await waitFor(
      'the closed room',
      () => r.ctx.events.some((e) => e.kind === 'message' && e.messageId === inClosed),
      45_000,
    );
    await waitFor('the later room', () =>
      r.ctx.events.some((e) => e.kind === 'message' && e.messageId === inLater),
    );
    const live = await post(later._id, 'live in the later room');
    await t.message(r, live);
    expect(r.ctx.lastState('main')?.status).toBe('connected');
  });
});
