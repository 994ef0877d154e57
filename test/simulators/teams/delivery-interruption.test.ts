import { afterEach, describe, expect, it } from 'vitest';
import { simWorld, type SimWorld } from './helpers.js';

let w: SimWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('Bot Framework channel, interrupted deliveries', () => {
  it('loses the answers for a while and redelivers each activity in order until the bot answers', async () => {
    w = await simWorld();
    const world = w;
    world.sim.control.installBot(world.app.appId, world.teamId);
    await world.sim.idle();
    world.sim.interruptDeliveries(600);
    const first = world.sim.control.post(world.alice.id, world.channelId, 'first');
    const second = world.sim.control.post(world.alice.id, world.channelId, 'second');
    await world.sim.idle();
    // The first activity reached the bot, its answer was lost, and it came again.
    expect(
      world.bot.received.map((r) => r.body.id).filter((id) => id === first || id === second),
    ).toEqual([first, first, second]);
    const records = world.sim.deliveries().filter((d) => [first, second].includes(d.activityId));
    expect(records.map((r) => [r.activityId, r.status])).toEqual([
      [first, 200],
      [second, 200],
    ]);
    expect(records[0]!.attempts).toBeGreaterThan(2);
    expect(records[1]!.attempts).toBe(1);
  });
});
