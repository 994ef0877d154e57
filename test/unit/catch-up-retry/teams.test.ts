/**
 * Teams: catch-up through Graph that fails (503, 429) is retried with back-off until it
 * succeeds, and recovers every message Teams could not deliver while the bridge was away,
 * once each; its cursor does not move past what a failed pass did not emit.
 */
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '../../contract/fake-context.js';
import { teamsWorld, type TeamsTestWorld } from '../teams/world.js';

let w: TeamsTestWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

it('retries a failing Graph catch-up until it works, skipping nothing', async () => {
  w = await teamsWorld({ catchup: { interval_seconds: 2, settle_seconds: 1 } });
  const world = w;
  await world.connector.stop();
  // Refused while the bridge is away: only catch-up can bring these.
  const missed = [
    world.sim.control.post(world.alice.id, world.channelId, 'missed 1'),
    world.sim.control.post(world.alice.id, world.channelId, 'missed 2'),
  ];
  await world.sim.idle();
  const delta = /^GET .*\/channels\/.+\/messages\/delta/;
  world.sim.injectFailures({ status: 503, count: 6, pattern: delta });
  world.sim.injectFailures({ status: 429, count: 2, retryAfterSec: 1, pattern: delta });
  const next = await world.start(world.config, world.ctx.store);
  const live = world.sim.control.post(world.alice.id, world.channelId, 'live');
  const ids = () =>
    next.ctx.events
      .filter((e) => e.kind === 'message' && e.channel === world.channelId)
      .map((e) => (e as { messageId: string }).messageId);
  await waitFor('every message', () => [...missed, live].every((id) => ids().includes(id)), 60_000);
  // Another catch-up pass completes: nothing comes twice.
  const passes = () =>
    world.sim.requestLog().filter((r) => delta.test(`${r.method} ${r.path}`) && r.status === 200)
      .length;
  const before = passes();
  await waitFor('another catch-up pass', () => passes() > before, 60_000);
  expect([...ids()].sort()).toEqual([...missed, live].sort());
  // The missed ones in their order (the live one may overtake them while Graph fails).
  expect(ids().filter((id) => id !== live)).toEqual(missed);
  const failed = world.sim
    .requestLog()
    .filter((r) => delta.test(`${r.method} ${r.path}`) && r.status >= 400)
    .map((r) => r.status);
  expect(failed).toEqual([503, 503, 503, 503, 503, 503, 429, 429]);
}, 90_000);
