/**
 * Edits and deletions made while the bridge was away are recovered through Graph even when
 * the message itself crossed live after the last stored cursor (its creation is inside the
 * catch-up window too).
 */
import { afterEach, expect, it } from 'vitest';
import { memoryCursorRows, waitFor } from '../../contract/fake-context.js';
import { caughtUpTo, messageEventFor, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

it('recovers an edit and a deletion of messages that crossed live before a restart', async () => {
  w = await teamsWorld({ catchup: { interval_seconds: 1, settle_seconds: 1 } });
  const world = w;
  await caughtUpTo(world.ctx, [world.channelId], 1);
  const before = Date.now() - 1;
  const kept = world.sim.control.post(world.alice.id, world.channelId, 'will be edited');
  const doomed = world.sim.control.post(world.alice.id, world.channelId, 'will be deleted');
  await Promise.all([kept, doomed].map((id) => messageEventFor(world.ctx, id)));
  await world.connector.stop();
  // As if the last pass before the stop had run just before these messages were posted.
  await memoryCursorRows(world.ctx.store).save([
    { workspace: 'contoso', channel: world.channelId, thread: '', cursor: String(before) },
  ]);
  world.sim.control.edit(kept, 'edited while away');
  world.sim.control.remove(doomed);
  await world.sim.idle();

  const next = await world.start(world.config, world.ctx.store);
  const of = (kind: string, id: string) =>
    next.ctx.events.find((e) => e.kind === kind && (e as { messageId?: string }).messageId === id);
  await waitFor('the edit and the deletion', () => !!of('edit', kept) && !!of('delete', doomed));
  expect(JSON.stringify((of('edit', kept) as { content: unknown }).content)).toContain(
    'edited while away',
  );
});
