import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { DdpClient } from '../../../connectors/rocketchat/ddp.js';
import { silentLogger } from '../../../src/util/logger.js';
import { waitFor } from '../../contract/fake-context.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** A DDP server that logs anyone in and never answers pings. */
async function deafServer(loginOk = true) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  let connections = 0;
  wss.on('connection', (ws) => {
    connections += 1;
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { msg: string; id?: string };
      if (f.msg === 'connect') ws.send(JSON.stringify({ msg: 'connected', session: 's' }));
      if (f.msg === 'method') {
        ws.send(
          JSON.stringify(
            loginOk
              ? { msg: 'result', id: f.id, result: { id: 'u' } }
              : { msg: 'result', id: f.id, error: { error: 403, reason: 'nope' } },
          ),
        );
      }
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => r());
      }),
  );
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    connections: () => connections,
  };
}

describe('DDP client', () => {
  it('pings a silent connection and reconnects when no answer comes', async () => {
    const server = await deafServer();
    let ready = 0;
    const reasons: string[] = [];
    const client = new DdpClient(
      server.url,
      'token',
      {
        onReady: async () => void (ready += 1),
        onStreamEvent: async () => undefined,
        onDisconnected: (why) => void reasons.push(why),
      },
      silentLogger(),
      { pingIntervalMs: 100, pongTimeoutMs: 150 },
    );
    cleanup.push(() => client.stop());
    client.start();
    await waitFor('a second connection', () => server.connections() >= 2 && ready >= 2);
    expect(reasons.length).toBeGreaterThanOrEqual(1);
  });

  it('reports a refused login as an authentication failure', async () => {
    const server = await deafServer(false);
    const seen: Array<[string, boolean]> = [];
    const client = new DdpClient(
      server.url,
      'token',
      {
        onReady: async () => undefined,
        onStreamEvent: async () => undefined,
        onDisconnected: (why, auth) => void seen.push([why, auth]),
      },
      silentLogger(),
    );
    cleanup.push(() => client.stop());
    client.start();
    const [why, auth] = await waitFor('the disconnect', () => seen[0]);
    expect(auth).toBe(true);
    expect(why).toMatch(/login refused/);
    expect(why).not.toContain('token"');
  });

  it('keeps going when a handler fails: reconnects so nothing is skipped', async () => {
    const server = await deafServer();
    let ready = 0;
    const client = new DdpClient(
      server.url,
      'token',
      {
        onReady: async () => {
          ready += 1;
          if (ready === 1) throw new Error('storage down');
        },
        onStreamEvent: async () => undefined,
        onDisconnected: () => undefined,
      },
      silentLogger(),
    );
    cleanup.push(() => client.stop());
    client.start();
    await waitFor('a reconnect after the failure', () => ready >= 2);
  });
});
