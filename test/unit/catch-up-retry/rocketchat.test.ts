/**
 * Rocket.Chat: a room's catch-up whose reads fail (5xx, 429) is retried with back-off until
 * it succeeds, and replays everything missed while the bridge was stopped, in order and once,
 * before the room's live events: nothing is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorWorld, rest, waitFor } from '../rocketchat/world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;
beforeAll(async () => {
  t = await connectorWorld();
});
afterAll(async () => {
  await t?.close();
});

describe('Rocket.Chat catch-up', () => {
  it('retries a failing catch-up until it works, skipping nothing', async () => {
    const first = await t.start();
    await t.connected(first);
    const known = await t.post(t.w.alice, 'known');
    await t.message(first, known);
    await first.connector.stop();

    // While the bridge is away: new messages, an edit and a deletion.
    const missed = [await t.post(t.w.alice, 'missed 1'), await t.post(t.w.alice, 'missed 2')];
    const alice = rest(t.w.sim, t.w.alice);
    await alice.post('chat.update', { roomId: t.w.room._id, msgId: known, text: 'edited' });
    const doomed = await t.post(t.w.alice, 'doomed');
    await alice.post('chat.delete', { roomId: t.w.room._id, msgId: doomed });
    const before = t.w.sim.requestLog().length;
    const syncPath = /chat\.syncMessages/;
    t.w.sim.injectFailures({ status: 503, count: 2, pathPattern: syncPath });
    t.w.sim.injectFailures({ status: 429, count: 1, retryAfterMs: 300, pathPattern: syncPath });

    const second = await t.start({ store: first.ctx.store });
    // Back-off while failing: 0.5 s, 1 s, then the 429's reset; generous on a loaded machine.
    await waitFor('connected', () => second.ctx.lastState('main')?.status === 'connected', 30_000);
    const live = await t.post(t.w.alice, 'live');
    await t.message(second, live);
    const messages = second.ctx.events.filter((e) => e.kind === 'message');
    // `known` may come again (edited since), under its first key: the core drops it by key.
    const firstKey = first.ctx.events.find((e) => e.messageId === known)?.eventKey;
    for (const e of messages.filter((m) => m.messageId === known))
      expect(e.eventKey).toBe(firstKey);
    const fresh = messages.map((e) => e.messageId).filter((id) => id !== known);
    expect(fresh).toEqual([...missed, live]);
    await t.eventFor(second, 'edit', known);
    await t.eventFor(second, 'delete', doomed);
    const keys = second.ctx.events.map((e) => e.eventKey);
    expect(new Set(keys).size).toBe(keys.length);
    const syncs = t.w.sim
      .requestLog()
      .slice(before)
      .filter((r) => syncPath.test(r.path));
    expect(syncs.filter((r) => r.status >= 400).map((r) => r.status)).toEqual([503, 503, 429]);
    await waitFor('a successful catch-up', () => syncs.some((r) => r.status === 200));
    await second.connector.stop();
  }, 60_000);
});
