/**
 * The INSTREAM client against a tiny fake clamd: the framing it sends, and every kind of
 * answer (or none) it can get. The real clamd is in clamd-real.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClamdClient, parseScanAnswer } from '../../../src/media/clamd-client.js';
import { ScannerError } from '../../../src/media/scanner-errors.js';
import { freePort } from '../../harness/ports.js';

interface Received {
  command: string;
  chunks: Buffer[];
  terminated: boolean;
}

/** Parses what a client sent: the command, then length-prefixed chunks up to a zero length. */
function parseStream(data: Buffer): Received {
  const nul = data.indexOf(0);
  const command = data.toString('latin1', 0, nul);
  const chunks: Buffer[] = [];
  let at = nul + 1;
  while (at + 4 <= data.length) {
    const length = data.readUInt32BE(at);
    if (length === 0) return { command, chunks, terminated: true };
    chunks.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { command, chunks, terminated: false };
}

type Behaviour = (socket: Socket, received: () => Received) => void;

const servers: Server[] = [];
const sockets: Socket[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake clamd on `listenOn` that acts as `behaviour` says once data comes in. */
async function fakeClamd(behaviour: Behaviour, listenOn?: string): Promise<ClamdClient['scan']> {
  const server = createServer((socket) => {
    sockets.push(socket);
    let data = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      behaviour(socket, () => parseStream(data));
    });
  });
  servers.push(server);
  const port = listenOn ? undefined : await freePort();
  await new Promise<void>((r) =>
    listenOn ? server.listen(listenOn, r) : server.listen(port, '127.0.0.1', r),
  );
  const address = listenOn ? { socket: listenOn } : { host: '127.0.0.1', port: port as number };
  const client = new ClamdClient(address, { timeoutMs: 20_000, chunkSize: 10 });
  return (bytes) => client.scan(bytes);
}

/** Answers once the whole stream is in. */
const answerWhenDone =
  (answer: string): Behaviour =>
  (socket, received) => {
    if (received().terminated) socket.end(`${answer}\0`);
  };

async function failure(promise: Promise<unknown>): Promise<ScannerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ScannerError))
    throw new Error(`expected a ScannerError, got ${String(err)}`);
  return err;
}

describe('ClamdClient INSTREAM', () => {
  it('sends zINSTREAM, chunks with big-endian lengths, and a zero-length end', async () => {
    let seen: Received | undefined;
    const scan = await fakeClamd((socket, received) => {
      seen = received();
      if (seen.terminated) socket.end('stream: OK\0');
    });
    const file = Buffer.from('0123456789abcdefghijklmno'); // 25 bytes: chunks of 10, 10, 5
    await expect(scan(file)).resolves.toEqual({ infected: false });
    expect(seen?.command).toBe('zINSTREAM');
    expect(seen?.chunks.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(Buffer.concat(seen?.chunks ?? [])).toEqual(file);
  });

  it('sends an empty file as the end marker alone', async () => {
    let seen: Received | undefined;
    const scan = await fakeClamd((socket, received) => {
      seen = received();
      if (seen.terminated) socket.end('stream: OK\0');
    });
    await expect(scan(Buffer.alloc(0))).resolves.toEqual({ infected: false });
    expect(seen?.chunks).toEqual([]);
  });

  it('reports the signature clamd found', async () => {
    const scan = await fakeClamd(answerWhenDone('stream: Eicar-Test-Signature FOUND'));
    await expect(scan(Buffer.from('x'))).resolves.toEqual({
      infected: true,
      signature: 'Eicar-Test-Signature',
    });
  });

  it('works over a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clamd-fake-'));
    dirs.push(dir);
    const scan = await fakeClamd(answerWhenDone('stream: OK'), join(dir, 'clamd.sock'));
    await expect(scan(Buffer.from('hello'))).resolves.toEqual({ infected: false });
  });

  it('turns the size-limit answer (clamd then closes mid-stream) into size_limit', async () => {
    const scan = await fakeClamd((socket, received) => {
      if (received().chunks.length >= 3) {
        socket.end('INSTREAM size limit exceeded. ERROR\0');
        socket.destroySoon();
      }
    });
    const err = await failure(scan(Buffer.alloc(2_000_000, 1)));
    expect(err.failure).toBe('size_limit');
    expect(err.scannerAnswered).toBe(true);
  });

  it('calls a connection reset mid-stream (no answer read) a reset, not a dead scanner', async () => {
    const scan = await fakeClamd((socket, received) => {
      if (received().chunks.length >= 3) socket.resetAndDestroy();
    });
    const err = await failure(scan(Buffer.alloc(2_000_000, 1)));
    expect(err.failure).toBe('reset');
    expect(err.scannerAnswered).toBe(true);
  });

  it('calls an answer clamd would not give a protocol failure', async () => {
    const scan = await fakeClamd(answerWhenDone('HTTP/1.1 400 Bad Request'));
    expect((await failure(scan(Buffer.from('x')))).failure).toBe('protocol');
  });

  it('calls a connection closed without an answer a protocol failure', async () => {
    const scan = await fakeClamd((socket, received) => {
      if (received().terminated) socket.end();
    });
    expect((await failure(scan(Buffer.from('x')))).failure).toBe('protocol');
  });

  it('stops reading an endless answer', async () => {
    const scan = await fakeClamd((socket) => socket.write('A'.repeat(10_000)));
    expect((await failure(scan(Buffer.from('x')))).failure).toBe('protocol');
  });

  it('calls a port nobody listens on unreachable', async () => {
    const port = await freePort();
    const client = new ClamdClient({ host: '127.0.0.1', port }, { timeoutMs: 20_000 });
    const err = await failure(client.scan(Buffer.from('x')));
    expect(err.failure).toBe('unreachable');
    expect(err.scannerAnswered).toBe(false);
    await expect(client.ping()).resolves.toBe(false);
  });

  it('gives up after its timeout when clamd never answers', async () => {
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    servers.push(server);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const client = new ClamdClient({ host: '127.0.0.1', port }, { timeoutMs: 300 });
    expect((await failure(client.scan(Buffer.from('x')))).failure).toBe('timeout');
  });
});

describe('parseScanAnswer', () => {
  it.each([
    ['stream: OK', { infected: false }],
    ['stream: Win.Test.EICAR_HDB-1 FOUND', { infected: true, signature: 'Win.Test.EICAR_HDB-1' }],
    [
      'stream: Eicar-Test-Signature.UNOFFICIAL FOUND',
      { infected: true, signature: 'Eicar-Test-Signature.UNOFFICIAL' },
    ],
  ])('reads %j', (answer, result) => {
    expect(parseScanAnswer(answer)).toEqual(result);
  });

  it.each([
    ['INSTREAM size limit exceeded. ERROR', 'size_limit'],
    ["stream: Can't allocate memory ERROR", 'scanner_error'],
    ['', 'protocol'],
    ['stream: FOUND', 'protocol'],
    ['stream: ok', 'protocol'],
    ['PONG', 'protocol'],
    ['stream: OK trailing', 'protocol'],
  ])('refuses %j as a verdict (%s)', (answer, kind) => {
    try {
      parseScanAnswer(answer);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ScannerError);
      expect((err as ScannerError).failure).toBe(kind);
    }
  });
});
