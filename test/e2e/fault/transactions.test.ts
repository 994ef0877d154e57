/**
 * Fault: the homeserver misbehaves with its transactions. A proxy between Synapse and the
 * bridge first delivers every transaction twice, then restarts its transaction id counter
 * (new events arrive under ids the bridge has already acknowledged, as after a homeserver
 * database restore), then replays old transactions under fresh ids. The bridge must
 * de-duplicate by event, never by transaction id alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { freePort } from '../../harness/index.js';
import { connectorsUnderTest, faultWorld, STREAM } from './fixture.js';
import { expectExactlyOnceInOrder, printScenario } from './report.js';
import { streamBothWays, warmUp } from './stream.js';
import { TransactionProxy } from './txn-proxy.js';

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let proxy: TransactionProxy | undefined;
  let world: BridgedWorld | undefined;
  let bridge: BridgeApp | undefined;
  afterAll(async () => {
    await bridge?.stop();
    await proxy?.close();
    await world?.close();
  });

  it('processes a repeated transaction once and a reused transaction id anew', async () => {
    const bridgePort = await freePort();
    world = await faultWorld(adapter, { bridgePort });
    const p = new TransactionProxy(Number(new URL(world.config.appservice.url).port), bridgePort);
    proxy = p;
    await p.start();
    bridge = await world.startBridge();
    await warmUp(world, 'tx');
    let replayFrom = 0;
    const result = await streamBothWays(world, {
      tag: 'tx',
      ...STREAM,
      reachedBridge: (id) => p.delivered.has(id),
      faults: [
        {
          at: 3,
          by: 'matrix',
          name: 'deliver every transaction twice',
          run: async () => {
            p.duplicate = true;
          },
        },
        {
          at: 10,
          by: 'matrix',
          name: 'reset the transaction id counter',
          run: async () => {
            p.duplicate = false;
            replayFrom = p.recorded;
            p.resetCounter = true;
          },
        },
        {
          at: 17,
          by: 'matrix',
          name: 'replay old transactions under new ids',
          run: async () => {
            for (let i = 0; i < replayFrom; i++) await p.replay(i);
          },
        },
      ],
    });
    printScenario('transactions repeated, ids reset, replayed', adapter.id, result);
    console.log(`[fault] proxy: ${JSON.stringify(p.stats)}`);
    expect(result.lostUpstream).toBe(0);
    expectExactlyOnceInOrder(result);
    // The faults really happened: second deliveries, reused ids and replays, all accepted.
    expect(p.stats.duplicateAnswers.length).toBeGreaterThan(1);
    expect(new Set(p.stats.duplicateAnswers)).toEqual(new Set([200]));
    expect(p.stats.reusedIds).toBeGreaterThan(0);
    expect(p.stats.replayAnswers.length).toBeGreaterThan(0);
    expect(new Set(p.stats.replayAnswers)).toEqual(new Set([200]));
  });
});
