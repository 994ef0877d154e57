import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorWorld, rest, waitFor } from './world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;

beforeAll(async () => {
  t = await connectorWorld();
});
afterAll(async () => {
  await t?.close();
});

describe('catching up after a restart', () => {
  it('finds edits, reaction removals and deletions that happened while stopped', async () => {
    const first = await t.start();
    await t.connected(first);
    const edited = await t.post(t.w.alice, 'before');
    const reacted = await t.post(t.w.alice, 'reacted');
    const doomed = await t.post(t.w.alice, 'doomed');
    await rest(t.w.sim, t.w.bob).post('chat.react', { messageId: reacted, emoji: 'smile' });
    await t.eventFor(first, 'reaction', reacted);
    await t.message(first, doomed);
    await first.connector.stop();

    const alice = rest(t.w.sim, t.w.alice);
    await alice.post('chat.update', { roomId: t.w.room._id, msgId: edited, text: 'after' });
    await rest(t.w.sim, t.w.bob).post('chat.react', { messageId: reacted, emoji: 'smile' });
    await alice.post('chat.delete', { roomId: t.w.room._id, msgId: doomed });

    const second = await t.start({ store: first.ctx.store });
    await t.connected(second);
    const edit = await t.eventFor(second, 'edit', edited);
    expect(edit.content.text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'after' }] },
    ]);
    const removed = await t.eventFor(second, 'reaction_remove', reacted);
    expect(removed).toMatchObject({ key: '😄', sender: { userId: t.w.bob._id } });
    await t.eventFor(second, 'delete', doomed);
    // Nothing new was posted: replays of known messages carry their original keys.
    const firstKeys = new Set(first.ctx.events.map((e) => e.eventKey));
    for (const e of second.ctx.events.filter((x) => x.kind === 'message'))
      expect(firstKeys.has(e.eventKey)).toBe(true);
    await second.connector.stop();
    // Stopping is final: no late "retrying" once the closed socket's handlers have run (the
    // simulator has seen it go, and a REST round trip later nothing changed).
    await waitFor('the simulator to see the socket closed', () => t.w.sim.webSocketCount() === 0);
    await t.post(t.w.alice, 'after the stop');
    expect(second.ctx.lastState('main')?.status).toBe('stopped');
  });

  it('passes on an edit of a message recorded past the stored cursor', async () => {
    const linkedAt = Date.now() - 1000;
    const first = await t.start({ linkedAt });
    await t.connected(first);
    const id = await t.post(t.w.alice, 'recorded before the crash');
    await t.message(first, id);
    await first.connector.stop();
    // Killed before the written-behind cursor reached the database: none is stored.
    for (const key of [...first.ctx.store.keys()]) {
      if (key.startsWith('\u0000cursor:')) first.ctx.store.delete(key);
    }
    await rest(t.w.sim, t.w.alice).post('chat.update', {
      roomId: t.w.room._id,
      msgId: id,
      text: 'edited while down',
    });

    const second = await t.start({ store: first.ctx.store, linkedAt });
    await t.connected(second);
    const edit = await t.eventFor(second, 'edit', id);
    expect(edit.content.text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'edited while down' }] },
    ]);
    await second.connector.stop();
  });

  it('asks what went when a range of history is pruned', async () => {
    const r = await t.start();
    await t.connected(r);
    const from = Date.now();
    const a = await t.post(t.w.alice, 'prune a');
    const b = await t.post(t.w.alice, 'prune b');
    await t.message(r, b);
    expect(t.w.sim.pruneHistory(t.w.room._id, from, Date.now())).toBe(2);
    await t.eventFor(r, 'delete', a);
    await t.eventFor(r, 'delete', b);
    await r.connector.stop();
  });

  it('reports bad credentials without the token, and keeps the process alive', async () => {
    const bad = await t.start({ token: 'definitely-wrong-token' });
    await waitFor('bad_credentials', () => bad.ctx.lastState('main')?.status === 'bad_credentials');
    await bad.connector.stop();
    expect(bad.ctx.lastState('main')?.status).toBe('stopped');
    // Every state it reported in its whole life, now that it is stopped.
    for (const s of bad.ctx.states) expect(s.error ?? '').not.toContain('definitely-wrong-token');
  });
});
