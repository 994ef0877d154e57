/**
 * Fault: the homeserver is stopped and started again mid-stream. The shared test Synapse
 * serves other files in parallel, so this scenario starts its own. While it is down the
 * bridge cannot deliver to Matrix (it must retry, not drop) and receives no transactions
 * (Synapse sends them once it is back); the Matrix user's client retries its own sends.
 *
 * Synapse itself may drop events it had queued in memory for the appservice when it stops
 * (element-hq/synapse#11637). The bridge's Matrix catch-up (src/matrix/catch-up.ts) must
 * recover them, in order: nothing may be lost either way. A TransactionProxy records what
 * Synapse really handed over in transactions, so the output says how many messages only the
 * catch-up brought.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { freePort } from '../../harness/index.js';
import { startSynapse, type AppserviceSlot, type SynapseHandle } from '../../harness/synapse.js';
import { connectorsUnderTest, faultWorld, SCENARIO_TIMEOUT_MS, STREAM } from './fixture.js';
import { expectExactlyOnceInOrder, explainLosses, printScenario } from './report.js';
import { roomHistory, streamBothWays, warmUp, type StreamResult } from './stream.js';
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

  it(
    'loses and repeats nothing when Synapse restarts mid-stream',
    async () => {
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
      const inTransactions = proxy.delivered;
      const result = await streamBothWays(world, {
        tag: 'sr',
        ...STREAM,
        deliveryTimeoutMs: 90_000,
        faults: [{ at: 6, name: 'restart Synapse', run: () => hs.restart() }],
      });
      const skipped = await notHandedOver(world, result, inTransactions);
      printScenario('Synapse stopped and restarted', adapter.id, {
        ...result,
        lostUpstream: skipped.lost,
      });
      if (skipped.total > 0) {
        console.log(
          `[fault] Synapse never handed ${skipped.total} Matrix message(s) to the appservice ` +
            '(queued in its memory when it stopped: element-hq/synapse#11637); the Matrix ' +
            `catch-up recovered ${skipped.total - skipped.lost} of them`,
        );
      }
      if (result.toPlatform.lost + result.toMatrix.lost > 0) {
        console.log(`[fault] losses:\n${await explainLosses(world, result, bridge)}`);
      }
      expectExactlyOnceInOrder(result);
    },
    SCENARIO_TIMEOUT_MS,
  );
});

/**
 * Matrix messages of the stream that Synapse never put in a transaction (`total`), and how
 * many of those are missing on the platform (`lost`).
 */
async function notHandedOver(
  world: BridgedWorld,
  result: StreamResult,
  inTransactions: Set<string>,
): Promise<{ total: number; lost: number }> {
  let total = 0;
  let lost = 0;
  for (const room of result.rooms) {
    const missing = new Set(room.detail.toPlatform.missing);
    for (const e of await roomHistory(world, room.roomId)) {
      const body = String(e.content.body ?? '');
      if (e.sender !== world.matrix.userId || !body.startsWith('sr-mx-')) continue;
      if (inTransactions.has(e.event_id)) continue;
      total++;
      if (missing.has(body)) lost++;
    }
  }
  return { total, lost };
}
