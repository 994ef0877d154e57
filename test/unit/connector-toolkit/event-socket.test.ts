/**
 * The toolkit's event socket against a real WebSocket server: JSON object frames reach the
 * protocol, anything else is skipped; a failed event drops the connection; only the current
 * socket is heard; a stop is not a lost connection.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { EventSocket } from '../../../src/connector/index.js';
import { silentLogger } from '../../../src/util/logger.js';
import { waitFor } from '../../contract/fake-context.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** A server that sends each connection the frames it is given. */
async function server() {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws) => sockets.push(ws));
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
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, sockets };
}

class Probe extends EventSocket {
  frames: Array<Record<string, unknown>> = [];
  closes: number[] = [];
  anyFrames = 0;
  connects = 0;
  stops = 0;
  failNext = false;

  constructor(private readonly url: string) {
    super(silentLogger(), {
      name: 'Probe',
      backoff: { initialMs: 20, maxMs: 50, minMs: 10 },
      maxFrameBytes: 1024,
      handshakeTimeoutMs: 5000,
      failure: 'could not handle a probe event',
    });
  }

  protected connect(): void {
    this.connects += 1;
    this.openSocket(this.url);
  }

  protected onFrame(_ws: WebSocket, frame: Record<string, unknown>): void {
    this.tasks.run(async () => {
      if (this.failNext) {
        this.failNext = false;
        throw new Error('cannot record');
      }
      this.frames.push(frame);
    });
  }

  protected onClosed(_ws: WebSocket, code: number): void {
    this.closes.push(code);
    if (!this.reconnect.stopped) this.reconnect.retry();
  }

  protected override onStop(): void {
    this.stops += 1;
  }

  protected override onAnyFrame(): void {
    this.anyFrames += 1;
  }
}

describe('EventSocket', () => {
  it('hands JSON object frames on in order and skips every other frame', async () => {
    const s = await server();
    const probe = new Probe(s.url);
    cleanup.push(() => probe.stop());
    probe.start();
    await waitFor('the connection', () => s.sockets.length === 1);
    for (const raw of ['{"n":1}', 'not json', 'null', '42', '[1]', '"text"', '', '{"n":2}'])
      s.sockets[0]!.send(raw);
    await waitFor('both frames', () => probe.frames.length === 2);
    expect(probe.frames).toEqual([{ n: 1 }, { n: 2 }]);
    expect(probe.anyFrames).toBe(8);
  });

  it('drops the connection when an event cannot be handled, and connects again', async () => {
    const s = await server();
    const probe = new Probe(s.url);
    cleanup.push(() => probe.stop());
    probe.start();
    await waitFor('the first connection', () => s.sockets.length === 1);
    probe.failNext = true;
    s.sockets[0]!.send('{"n":1}');
    await waitFor(
      'a reconnect after the failure',
      () => probe.closes.length === 1 && s.sockets.length === 2,
    );
    s.sockets[1]!.send('{"n":2}');
    await waitFor('the second frame', () => probe.frames.length === 1);
    expect(probe.frames).toEqual([{ n: 2 }]);
    expect(probe.connects).toBe(2);
  });

  it('a frame over the size limit closes the connection; it is reported and retried', async () => {
    const s = await server();
    const probe = new Probe(s.url);
    cleanup.push(() => probe.stop());
    probe.start();
    await waitFor('the first connection', () => s.sockets.length === 1);
    s.sockets[0]!.send(JSON.stringify({ big: 'x'.repeat(2048) }));
    await waitFor(
      'the close and a reconnect',
      () => probe.closes.length === 1 && probe.connects === 2,
    );
    expect(probe.frames).toEqual([]);
  });

  it('a stop is not a lost connection: no close reported, nothing after it', async () => {
    const s = await server();
    const probe = new Probe(s.url);
    probe.start();
    await waitFor('the connection', () => s.sockets.length === 1);
    await probe.stop();
    expect(probe.stops).toBe(1);
    s.sockets[0]!.send('{"late":true}');
    // Give a late frame every chance to arrive: the server's side has closed once it did.
    await waitFor('the server side closed', () => s.sockets[0]!.readyState === WebSocket.CLOSED);
    expect(probe.closes).toEqual([]);
    expect(probe.frames).toEqual([]);
    expect(probe.connects).toBe(1);
  });
});
