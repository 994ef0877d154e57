/**
 * Fault: the homeserver is stopped and started again mid-stream. The shared test Synapse
 * serves other files in parallel, so this scenario starts its own. While it is down the
 * bridge cannot deliver to Matrix (it must retry, not drop) and receives no transactions
 * (Synapse sends them once it is back); the Matrix user's client retries its own sends.
 *
 * Synapse itself may drop events it had queued in memory for the appservice when it stops
 * (element-hq/synapse#11637). A TransactionProxy records what Synapse really handed over,
 * so such events are reported apart ("of which upstream") instead of blamed on the bridge.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { freePort } from '../../harness/index.js';
import { startSynapse, type AppserviceSlot, type SynapseHandle } from '../../harness/synapse.js';
import { connectorsUnderTest, faultWorld, STREAM } from './fixture.js';
import { expectExactlyOnceInOrder, explainLosses, printScenario } from './report.js';
import { streamBothWays, warmUp } from './stream.js';
import { TransactionProxy } from './txn-proxy.js';

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let synapse: SynapseHandle | undefined;
  let proxy: TransactionProxy | undefined;
  let world: BridgedWorld | undefined;
  let bridge: BridgeApp | undefined;
  afterAll(async () => {
    await bridge?.stop();
    await proxy?.close();
    await world?.close();
    await synapse?.stop();
  });

  it('loses and repeats nothing when Synapse restarts mid-stream', async () => {
    const slotPort = await freePort();
    const slot: AppserviceSlot = {
      id: `fault-synapse-${randomBytes(3).toString('hex')}`,
      url: `http://127.0.0.1:${slotPort}`,
      asToken: randomBytes(24).toString('hex'),
      hsToken: randomBytes(24).toString('hex'),
      senderLocalpart: 'faultbot',
      userPrefix: '_fs_',
    };
    const hs = await startSynapse({ appservices: [slot], logLevel: 'WARNING' });
    synapse = hs;
    const bridgePort = await freePort();
    proxy = new TransactionProxy(slotPort, bridgePort);
    await proxy.start();
    world = await faultWorld(adapter, {
      bridgePort,
      own: {
        slot,
        homeserver: {
          url: hs.url,
          serverName: hs.serverName,
          registrationSharedSecret: hs.registrationSharedSecret,
        },
      },
    });
    bridge = await world.startBridge();
    await warmUp(world, 'sr');
    const seen = proxy.delivered;
    const result = await streamBothWays(world, {
      tag: 'sr',
      ...STREAM,
      deliveryTimeoutMs: 90_000,
      reachedBridge: (id) => seen.has(id),
      faults: [{ at: 6, name: 'restart Synapse', run: () => hs.restart() }],
    });
    printScenario('Synapse stopped and restarted', adapter.id, result);
    if (result.lostUpstream) {
      console.log(
        `[fault] Synapse never delivered ${result.lostUpstream} Matrix event(s) to the appservice ` +
          '(queued in its memory when it stopped: element-hq/synapse#11637); the bridge does not ' +
          'backfill portal rooms, so these are lost for the platform side:\n' +
          (await explainLosses(world, result, bridge)),
      );
    }
    expectExactlyOnceInOrder(result);
  }, 300_000);
});
