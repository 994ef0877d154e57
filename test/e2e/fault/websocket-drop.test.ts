/**
 * Fault: the platform closes the bridge's realtime connection (WebSocket) mid-stream, twice.
 * Posts made while it reconnects must come through the resync from the stored cursor, once.
 */
import { afterAll, describe, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { connectorsUnderTest, faultWorld, SCENARIO_TIMEOUT_MS, STREAM } from './fixture.js';
import { expectExactlyOnceInOrder, printScenario } from './report.js';
import { streamBothWays, warmUp } from './stream.js';

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld | undefined;
  let bridge: BridgeApp | undefined;
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it(
    'loses and repeats nothing when the platform connection drops mid-stream',
    async () => {
      world = await faultWorld(adapter);
      bridge = await world.startBridge();
      await warmUp(world, 'ws');
      const faults = world.platform.faults;
      const result = await streamBothWays(world, {
        tag: 'ws',
        ...STREAM,
        faults: [
          { at: 5, name: 'drop', run: async () => faults.dropConnection() },
          { at: 14, name: 'drop again', run: async () => faults.dropConnection() },
        ],
      });
      printScenario('platform connection dropped', adapter.id, result);
      expectExactlyOnceInOrder(result);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
