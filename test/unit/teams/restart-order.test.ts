/**
 * A restart must not reorder: what was posted while the bridge was away (recovered through
 * Graph) is emitted before what Teams delivers live after the bridge is back.
 */
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '../../contract/fake-context.js';
import { caughtUpTo, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

it('emits messages missed while restarting before newer live ones', async () => {
  w = await teamsWorld({ catchup: { interval_seconds: 3, settle_seconds: 1 } });
  const world = w;
  // Stop only once the first bridge has been running: its first catch-up pass stored a cursor.
  await caughtUpTo(world.ctx, [world.channelId], 1);
  await world.connector.stop();
  // Delivered while the bridge is not accepting: refused, so only catch-up can bring it.
  const missed = world.sim.control.post(world.alice.id, world.channelId, 'while restarting');
  await world.sim.idle();
  const next = await world.start(world.config, world.ctx.store);
  const live = world.sim.control.post(world.alice.id, world.channelId, 'after the restart');
  const order = () =>
    next.ctx.events
      .filter((e) => e.kind === 'message' && e.channel === world.channelId)
      .map((e) => (e as { messageId: string }).messageId);
  await waitFor('both messages', () => order().includes(missed) && order().includes(live));
  expect(order()).toEqual([missed, live]);
});
