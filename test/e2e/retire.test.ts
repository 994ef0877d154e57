/**
 * Retiring a channel at the end of a migration, through Synapse and each platform's simulator:
 * the channel is told where the Matrix room is, Matrix messages stop going there while the
 * channel's own messages still arrive, and with no grace period the channel is unlinked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/admin/actor.js';
import type { BridgedWorld } from '../../bench/lib/world.js';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import { connectorsUnderTest, faultWorld } from './fault/fixture.js';
import { roomHistory, warmUp } from './fault/stream.js';

const automation: Actor = { viaSecret: true, path: 'cli' };

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld;
  let bridge: BridgeApp;
  beforeAll(async () => {
    world = await faultWorld(adapter);
    bridge = await world.startBridge();
    await warmUp(world, 'retw');
    // The world links its channels in the config file (portals:), which retiring refuses:
    // make them links an operator made through the API.
    await bridge.stores.db('portal_links').update({ source: 'api' });
    await bridge.directory.load();
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  const keyOf = (channel: string) => ({
    connector: adapter.id,
    workspace: world.platform.workspace,
    channel,
  });
  const matrixBodies = async (roomId: string): Promise<string[]> =>
    (await roomHistory(world, roomId)).map((e) => String(e.content.body ?? ''));

  it('tells the channel, takes nothing more from Matrix, still brings the channel’s messages', async () => {
    const { roomId, channel } = world.portals[0]!;
    const r = await bridge.admin.ops.retire(automation, keyOf(channel), 30);
    expect(r.already).toBe(false);
    const told = await waitFor(
      async () =>
        (await world.platform.bridgedTexts(channel)).find((t) => t.includes('moved to Matrix')),
      { what: 'the move notice in the channel', timeoutMs: E2E_WAIT_MS },
    );
    expect(told).toContain(`https://matrix.to/#/${roomId}`);
    await world.matrix.sendMessage(roomId, 'ret-mx-after');
    await world.platform.post(channel, 'ret-pf-after');
    // The room's events are delivered in order: once the later platform message is in
    // Matrix, the earlier Matrix one has been dealt with.
    await waitFor(async () => (await matrixBodies(roomId)).includes('ret-pf-after'), {
      what: 'the channel message in Matrix',
      timeoutMs: E2E_WAIT_MS,
      intervalMs: 300,
    });
    expect(await world.platform.bridgedTexts(channel)).not.toContainEqual(
      expect.stringContaining('ret-mx-after'),
    );
    expect((await matrixBodies(roomId)).join('\n')).toContain('was retired by provisioning-secret');
  });

  it('with no grace period, unlinks the channel at once and tells the room', async () => {
    const { roomId, channel } = world.portals[1]!;
    await bridge.admin.ops.retire(automation, keyOf(channel), 0);
    expect(bridge.directory.linkFor(keyOf(channel))).toBeUndefined();
    await waitFor(
      async () => (await matrixBodies(roomId)).some((b) => b.includes('is no longer bridged')),
      { what: 'the unlink notice in the room', timeoutMs: E2E_WAIT_MS, intervalMs: 300 },
    );
    expect(await world.platform.bridgedTexts(channel)).toContainEqual(
      expect.stringContaining('moved to Matrix'),
    );
  });
});
