/**
 * Raw HTTP for bad input: exact headers and bytes (fetch would fix up what we want broken),
 * with a timeout, and "no answer" reported instead of thrown.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Path and query, sent as is (may be malformed on purpose). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body with chunked encoding and no Content-Length. */
  chunked?: boolean;
}

export interface RawAnswer {
  /** 0 when the connection closed or timed out without an answer. */
  status: number;
  contentType: string;
  /** The answer's headers (absent without an answer, and from sendBytes). */
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export function send(port: number, r: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const started = Date.now();
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
    if (
      body &&
      !r.chunked &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')
    )
      headers['content-length'] = body.length;
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers });
    const done = (a: Omit<RawAnswer, 'ms'>): void => resolve({ ...a, ms: Date.now() - started });
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      done({ status: 0, contentType: '', body: 'timeout' });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8').slice(0, 2000),
        }),
      );
      res.on('error', () => done({ status: res.statusCode ?? 0, contentType: '', body: '' }));
    });
    req.on('error', (err) => done({ status: 0, contentType: '', body: `error: ${err.message}` }));
    if (body && r.chunked) {
      // Several chunks, so the server sees a stream with no declared length.
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** Bytes written straight to the socket: request lines and headers no HTTP client would send. */
export function sendBytes(port: number, bytes: string, timeoutMs = 10_000): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, contentType: '', body: text.slice(0, 2000), ms: Date.now() - started });
    };
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough; the server may keep the connection open.
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) socket.end();
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}
