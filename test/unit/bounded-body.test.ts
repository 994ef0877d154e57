import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundedBody } from '../../src/util/bounded-body.js';
import { send, type RawRequest } from '../e2e/badinput/http.js';
import { settlesWithin, waitFor } from '../harness/wait.js';

const LIMIT = 1024;
let server: Server;
let port = 0;
/** What readBoundedBody resolved to, per request, in order. */
const results: Array<Buffer | undefined> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBoundedBody(req, res, LIMIT).then((body) => {
      results.push(body);
      if (body) res.writeHead(200).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

const post = (body: string | Buffer, extra: Partial<RawRequest> = {}) =>
  send(port, { method: 'POST', path: '/', body, ...extra });

describe('readBoundedBody', () => {
  it('hands over bodies up to the limit, with or without a length', async () => {
    const exact = Buffer.alloc(LIMIT, 'a');
    const withLength = await post(exact);
    expect(withLength.status).toBe(200);
    expect(withLength.body).toBe(exact.toString());
    const chunked = await post('{"x": 1}', { chunked: true });
    expect(chunked.status).toBe(200);
    expect(chunked.body).toBe('{"x": 1}');
    expect((await post('')).status).toBe(200);
  });

  it('answers a larger declared length with 413 at once, without waiting for the body', async () => {
    const a = await post('only a few bytes', {
      headers: { 'content-length': String(50 * 1024 * 1024) },
    });
    expect(a.status).toBe(413); // an answer at all: the declared 50 MiB never come
    expect(JSON.parse(a.body)).toMatchObject({ errcode: 'M_TOO_LARGE' });
    expect(a.headers?.connection).toBe('close');
    expect(results.at(-1)).toBeUndefined();
  });

  it('answers a chunked body that outgrows the limit with 413, never a reset', async () => {
    for (const size of [LIMIT + 1, 2 * 1024 * 1024]) {
      for (let i = 0; i < 5; i++) {
        const a = await post(Buffer.alloc(size, 'b'), { chunked: true });
        expect(a.status, a.body).toBe(413);
        expect(JSON.parse(a.body)).toMatchObject({ errcode: 'M_TOO_LARGE' });
        expect(a.headers?.connection).toBe('close');
        expect(results.at(-1)).toBeUndefined();
      }
    }
  });

  it('closes the connection once the 413 is sent', async () => {
    const closing = new Promise<number>((resolve) => {
      let status = 0;
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': String(50 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
      });
      req.on('close', () => resolve(status));
      req.on('error', () => undefined);
      // A few bytes, and the request is never finished: only the server can end this.
      req.write('x');
    });
    expect(await settlesWithin(closing, 'the server closing the connection')).toBe(413);
  });

  it('resolves undefined when the client goes away mid-body, and keeps serving', async () => {
    const before = results.length;
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': '100' },
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      // Headers and a part of the body are flushed, then the client goes.
      req.write('partial', () => req.destroy());
    });
    await waitFor(() => results.length === before + 1, { what: 'readBoundedBody to resolve' });
    expect(results.at(-1)).toBeUndefined();
    expect((await post('still here')).body).toBe('still here');
  });
});
