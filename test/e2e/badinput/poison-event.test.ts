/**
 * Finding F1, end to end through Synapse: a Matrix user in a portal sends a message with a
 * NUL character (Synapse accepts it). The bridge cannot store the event (PostgreSQL's jsonb,
 * and so PGlite, refuse \u0000), answers the whole transaction with 500, and Synapse retries
 * that same transaction for ever: no later Matrix message reaches any platform, in any room.
 *
 * Fixed: the intake replaces U+0000 with U+FFFD before storing (and drops events nested too
 * deeply to store), so later messages keep flowing.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { connectorsUnderTest, faultWorld } from '../fault/fixture.js';
import { warmUp } from '../fault/stream.js';
import { E2E_WAIT_MS } from '../../harness/wait.js';

/** Answers the transactions Synapse still holds for the slot, so the next user of it starts clean. */
async function drainSlot(port: number, ms: number): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  await new Promise((r) => setTimeout(r, ms));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld | undefined;
  let bridge: BridgeApp | undefined;
  // Set-up outside the `fails` test, so only the assertions below can make it "pass".
  beforeAll(async () => {
    world = await faultWorld(adapter);
    bridge = await world.startBridge();
    await warmUp(world, 'nul');
  });
  afterAll(async () => {
    await bridge?.stop();
    if (world) await drainSlot(world.config.appservice.port, 3000);
    await world?.close();
  });

  it('F1: a message with a NUL character does not stop later messages', async () => {
    const w = world as BridgedWorld;
    const [first, second] = w.portals as [(typeof w.portals)[0], (typeof w.portals)[0]];
    await w.matrix.sendMessage(first.roomId, { msgtype: 'm.text', body: 'nul\u0000byte' });
    await w.matrix.sendMessage(first.roomId, 'after-nul-same-room');
    await w.matrix.sendMessage(second.roomId, 'after-nul-other-room');
    const deadline = Date.now() + E2E_WAIT_MS;
    let arrived: string[] = [];
    while (Date.now() < deadline) {
      arrived = [
        ...(await w.platform.bridgedTexts(first.channel)),
        ...(await w.platform.bridgedTexts(second.channel)),
      ];
      if (arrived.includes('after-nul-same-room') && arrived.includes('after-nul-other-room'))
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(arrived).toContain('after-nul-same-room');
    expect(arrived).toContain('after-nul-other-room');
  }, 120_000);
});
