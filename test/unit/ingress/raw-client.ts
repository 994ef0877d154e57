/**
 * Raw sockets from a chosen loopback address (127.0.0.2, 127.0.0.3, …: Linux routes the whole
 * 127/8 to lo), so one test process can play several clients the bridge tells apart.
 */
import { waitFor } from '../../harness/wait.js';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface RawExchange {
  socket: Socket;
  /** Whether the server has sent anything yet. */
  answered(): boolean;
  /** Everything the server sent, once it closed the connection or `timeoutMs` passed. */
  closed: Promise<{ text: string; status: number; ms: number; closedByServer: boolean }>;
}

/** Opens a connection from `from` and writes `bytes` (none: an idle connection). */
export function openRaw(port: number, from: string, bytes = '', timeoutMs = 20_000): RawExchange {
  const started = Date.now();
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const answered = (): boolean => chunks.length > 0;
  socket.on('error', () => undefined);
  const closed = new Promise<{ text: string; status: number; ms: number; closedByServer: boolean }>(
    (resolve) => {
      const timer = setTimeout(() => socket.destroy(), timeoutMs);
      let byServer = false;
      socket.on('end', () => (byServer = true));
      socket.on('close', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('latin1');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
        resolve({ text, status, ms: Date.now() - started, closedByServer: byServer });
      });
    },
  );
  if (bytes) socket.write(bytes);
  return { socket, answered, closed };
}

/** Resolves once `predicate` holds, checking every 20 ms, or fails after `ms`. */
export async function until(
  predicate: () => boolean,
  ms = 20_000,
  what = 'condition',
): Promise<void> {
  await waitFor(predicate, { what, timeoutMs: ms });
}

/** A logger whose lines (parsed) land in `lines`. */
export function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** A request head with the given headers (no body bytes). */
export function head(method: string, path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ host: 'bridge', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
