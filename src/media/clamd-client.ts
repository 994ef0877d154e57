/**
 * A client of ClamAV's daemon (clamd) over its socket: INSTREAM sends the file in chunks
 * (each a 4-byte big-endian length and the bytes, then a zero length) and clamd answers
 * `stream: OK`, `stream: <signature> FOUND`, or an error such as `INSTREAM size limit
 * exceeded` when the file is longer than its StreamMaxLength. Commands use the `z` form:
 * NUL-terminated, so an answer's end is unambiguous.
 */
import { connect, type Socket } from 'node:net';
import { ScannerError } from './scanner-errors.js';

export type ClamdAddress = { socket: string } | { host: string; port: number };

export type ScanResult = { infected: false } | { infected: true; signature: string };

export interface ClamdOptions {
  timeoutMs: number;
  /** Bytes per INSTREAM chunk (clamd reads them into a buffer of its own). */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 64 * 1024;
/** A health check needs no long wait: clamd answers PING at once when it runs. */
const PING_TIMEOUT_MS = 5_000;
/** Longest answer read: clamd's lines are short, a peer that talks on is not clamd. */
const MAX_ANSWER = 4096;

function open(address: ClamdAddress): Socket {
  return 'socket' in address
    ? connect({ path: address.socket })
    : connect({ host: address.host, port: address.port });
}

/** Reads the answer to one command; the connection is closed when it is in or on timeout. */
function exchange(
  address: ClamdAddress,
  timeoutMs: number,
  send: (socket: Socket) => Promise<void>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = open(address);
    let connected = false;
    let answer = '';
    let settled = false;
    const finish = (err: ScannerError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer.replace(/\0.*$/s, '').trim());
    };
    const timer = setTimeout(
      () => finish(new ScannerError('timeout', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      answer += data;
      if (answer.includes('\0')) finish(undefined);
      else if (answer.length > MAX_ANSWER) finish(new ScannerError('protocol', 'answer too long'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // clamd closes the connection after a size-limit answer; a write then fails with
      // EPIPE or ECONNRESET, but the answer is already in.
      if (answer !== '') return finish(undefined);
      // clamd closing on a file longer than StreamMaxLength resets the connection; its
      // answer can be lost with the reset.
      if (connected && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        return finish(new ScannerError('reset', 'clamd closed the connection mid-stream'));
      }
      finish(new ScannerError('unreachable', err.code ?? err.message));
    });
    socket.on('close', () =>
      answer !== ''
        ? finish(undefined)
        : finish(new ScannerError('protocol', 'connection closed without an answer')),
    );
    socket.once('connect', () => {
      connected = true;
      send(socket).catch(() => undefined); // a failed write shows as error or close above
    });
  });
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new Error('closed'));
    if (socket.write(data)) return resolve();
    const onDrain = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('drain', onDrain);
      reject(new Error('closed'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

async function streamChunks(socket: Socket, bytes: Buffer, chunkSize: number): Promise<void> {
  await write(socket, Buffer.from('zINSTREAM\0', 'latin1'));
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const chunk = bytes.subarray(at, at + chunkSize);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(chunk.length);
    await write(socket, Buffer.concat([length, chunk]));
  }
  await write(socket, Buffer.alloc(4));
}

/** Turns clamd's answer to INSTREAM into a result, or a ScannerError when it is no verdict. */
export function parseScanAnswer(answer: string): ScanResult {
  if (answer === 'stream: OK') return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(answer);
  if (found?.[1]) return { infected: true, signature: found[1] };
  if (/size limit exceeded/i.test(answer)) {
    throw new ScannerError('size_limit', "the file is longer than clamd's StreamMaxLength");
  }
  if (/ERROR$/.test(answer)) throw new ScannerError('scanner_error', answer.slice(0, 200));
  throw new ScannerError('protocol', `unexpected answer (${answer.length} characters)`);
}

export class ClamdClient {
  constructor(
    private readonly address: ClamdAddress,
    private readonly options: ClamdOptions,
  ) {}

  /** Scans `bytes`; throws ScannerError when clamd cannot give a verdict. */
  async scan(bytes: Buffer): Promise<ScanResult> {
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK;
    const answer = await exchange(this.address, this.options.timeoutMs, (s) =>
      streamChunks(s, bytes, chunkSize),
    );
    return parseScanAnswer(answer);
  }

  /** Whether clamd answers PING with PONG. */
  async ping(): Promise<boolean> {
    try {
      const timeoutMs = Math.min(this.options.timeoutMs, PING_TIMEOUT_MS);
      const answer = await exchange(this.address, timeoutMs, (s) =>
        write(s, Buffer.from('zPING\0', 'latin1')),
      );
      return answer === 'PONG';
    } catch {
      return false;
    }
  }

  /** Where clamd listens, for logs. */
  describe(): string {
    return 'socket' in this.address
      ? `unix:${this.address.socket}`
      : `${this.address.host}:${this.address.port}`;
  }
}
