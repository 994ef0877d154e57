/**
 * Teams re-reads every linked conversation through Graph each `catchup.interval_seconds`
 * (activities can be lost on the way). When those reads fail, live activities must not wait
 * for them: they keep crossing, and the connection says it is retrying.
 */
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '../../contract/fake-context.js';
import { caughtUpTo, messageEventFor, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const CHANNEL_HISTORY = /^GET \/v1\.0\/teams\/[^/]+\/channels\/[^/]+\/messages\/delta/;

it('keeps live activities crossing while the periodic Graph reads fail, and says retrying', async () => {
  w = await teamsWorld({ catchup: { interval_seconds: 1, settle_seconds: 1 } });
  const world = w;
  // Past the reads that cover the start (those are awaited by live activities, and retried).
  await caughtUpTo(world.ctx, [world.channelId], Date.now());
  // Far more failures than the passes of this test can use up: Graph's history stays down.
  world.sim.injectFailures({ status: 503, count: 10_000, pattern: CHANNEL_HISTORY });
  await waitFor('the retrying state', () => world.ctx.lastState('contoso')?.status === 'retrying');
  expect(world.ctx.lastState('contoso')?.error).toMatch(/503/);

  const live = world.sim.control.post(world.alice.id, world.channelId, 'live while history fails');
  expect((await messageEventFor(world.ctx, live)).eventKey).toBe(`msg:${live}`);
});
