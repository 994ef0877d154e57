/**
 * Fault: the platform answers 429 (with Retry-After) and 500/503 in bursts while messages
 * stream both ways. The bridge's requests and the platform user's alike get the errors; the
 * bridge must wait, retry and neither drop nor repeat anything.
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
    'loses and repeats nothing through bursts of 429, 500 and 503',
    async () => {
      world = await faultWorld(adapter);
      bridge = await world.startBridge();
      await warmUp(world, 'pe');
      const faults = world.platform.faults;
      const result = await streamBothWays(world, {
        tag: 'pe',
        ...STREAM,
        faults: [
          { at: 4, name: '429 burst', run: async () => faults.failRequests(429, 6, 1) },
          { at: 10, name: '500 burst', run: async () => faults.failRequests(500, 6) },
          { at: 16, name: '503 burst', run: async () => faults.failRequests(503, 6) },
        ],
      });
      printScenario('platform 429/500/503 bursts', adapter.id, result);
      expectExactlyOnceInOrder(result);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
