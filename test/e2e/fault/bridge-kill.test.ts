/**
 * Fault: the bridge process is SIGKILLed mid-stream (twice) and started again, on its
 * embedded default database (PGlite on disk). The homeserver redelivers the transactions it
 * had no answer for; the connector resyncs the posts it missed from its stored cursor.
 */
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { BridgeProcess } from '../../../bench/lib/bridge-process.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { connectorsUnderTest, faultWorld, SCENARIO_TIMEOUT_MS, STREAM } from './fixture.js';
import { expectExactlyOnceInOrder, printScenario } from './report.js';
import { streamBothWays, warmUp } from './stream.js';

const DOWN_MS = 1500;

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld | undefined;
  let proc: BridgeProcess | undefined;
  afterAll(async () => {
    await proc?.kill();
    await world?.close();
  });

  it(
    'loses and repeats nothing when the bridge is SIGKILLed mid-stream',
    async () => {
      world = await faultWorld(adapter, { dataDir: 'pglite' });
      world.config.database.data_dir = join(world.workDir, 'pglite');
      world.config.logging.level = 'info';
      const p = new BridgeProcess({ configPath: world.writeConfigFile() });
      proc = p;
      p.start();
      await p.waitForLog('bridge started', 120_000);
      await warmUp(world, 'bk', 120_000);
      const killAndRestart = async (): Promise<void> => {
        await p.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, DOWN_MS));
        p.start();
        await p.waitForLog('bridge started', 120_000);
      };
      const result = await streamBothWays(world, {
        tag: 'bk',
        ...STREAM,
        deliveryTimeoutMs: 120_000,
        faults: [
          { at: 6, name: 'SIGKILL 1', run: killAndRestart },
          { at: 16, name: 'SIGKILL 2', run: killAndRestart },
        ],
      }).catch((err: unknown) => {
        throw new Error(`${String(err)}\nbridge log tail:\n${p.log().slice(-3000)}`);
      });
      printScenario('bridge SIGKILLed and restarted', adapter.id, result);
      expectExactlyOnceInOrder(result);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
