import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableAppService, type MatrixEvent } from '../../src/matrix/durable-appservice.js';
import { silentLogger } from '../../src/util/logger.js';
import { send, type RawAnswer, type RawRequest } from '../e2e/badinput/http.js';
import { DEFAULT_WAIT_MS } from '../harness/wait.js';

const TOKEN = 'hs-token-0123456789abcdef';
const TXN = '/_matrix/app/v1/transactions';
const MB = 1024 * 1024;
const EVENT = {
  event_id: '$e1',
  room_id: '!r:localhost',
  sender: '@u:localhost',
  type: 'm.room.message',
  content: { msgtype: 'm.text', body: 'hi' },
};

let service: DurableAppService;
let port = 0;
let txn = 0;
const recorded: MatrixEvent[][] = [];
let failRecording = false;

beforeAll(async () => {
  service = new DurableAppService({ homeserverToken: TOKEN }, silentLogger());
  await service.listen(0, '127.0.0.1', 10);
  port = ((service as unknown as { server: Server }).server.address() as AddressInfo).port;
});

afterAll(async () => {
  (service as unknown as { server: Server }).server.closeAllConnections();
  await service.close();
});

const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
const put = (
  body: string | Buffer,
  headers: Record<string, string> = bearer(),
  extra: Partial<RawRequest> = {},
): Promise<RawAnswer> =>
  send(
    port,
    {
      method: 'PUT',
      path: `${TXN}/t${++txn}`,
      headers: { 'content-type': 'application/json', ...headers },
      body,
      ...extra,
    },
    DEFAULT_WAIT_MS,
  );
const errcode = (a: RawAnswer): unknown => (JSON.parse(a.body) as { errcode?: unknown }).errcode;
const good = JSON.stringify({ events: [EVENT] });

describe('appservice transactions', () => {
  it('answers 503 until a handler is set, then records before answering 200', async () => {
    const early = await put(good);
    expect(early.status).toBe(503);
    service.setTransactionHandler(async (events) => {
      if (failRecording) throw new Error('database down');
      recorded.push(events);
    });
    const a = await put(JSON.stringify({ events: [EVENT, { not: 'an event' }, null] }));
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({});
    expect(recorded.at(-1)).toEqual([EVENT]);
  });

  it('answers 500 when recording fails, so the homeserver retries', async () => {
    failRecording = true;
    try {
      const a = await put(good);
      expect(a.status).toBe(500);
      expect(errcode(a)).toBe('M_UNKNOWN');
    } finally {
      failRecording = false;
    }
  });

  it('checks the token before reading the body: a bad token and a malformed body get 403', async () => {
    const before = recorded.length;
    for (const headers of [bearer('wrong'), {}, { authorization: `Basic ${TOKEN}` }]) {
      const a = await put('{"events": [', headers);
      expect(a.status).toBe(403);
      expect(errcode(a)).toBe('M_FORBIDDEN');
    }
    // Even a body far over the limit, declared or chunked, is refused for its token first.
    const declared = await put(good, { ...bearer('wrong'), 'content-length': String(50 * MB) });
    // The declared 50 MiB never come: an answer at all shows the body was not awaited.
    expect(declared.status).toBe(403);
    const chunked = await put(Buffer.alloc(11 * MB, 'x'), bearer('wrong'), { chunked: true });
    expect(chunked.status).toBe(403);
    expect(recorded.length).toBe(before);
  });

  it('accepts the legacy access_token query parameter; every token given must match', async () => {
    const query = (q: string, headers: Record<string, string> = {}) =>
      send(port, {
        method: 'PUT',
        path: `${TXN}/q${++txn}?${q}`,
        headers: { 'content-type': 'application/json', ...headers },
        body: good,
      });
    expect((await query(`access_token=${TOKEN}`)).status).toBe(200);
    expect((await query(`access_token=${TOKEN}`, bearer())).status).toBe(200);
    expect((await query('access_token=wrong', bearer())).status).toBe(403);
    expect((await query(`access_token=${TOKEN}`, bearer('wrong'))).status).toBe(403);
    expect((await query(`access_token=${TOKEN}&access_token=wrong`)).status).toBe(403);
    expect((await query('access_token=')).status).toBe(403);
  });

  it('answers a declared length over 10 MiB with 413 at once', async () => {
    const a = await put(good, { ...bearer(), 'content-length': String(50 * MB) });
    expect(a.status).toBe(413);
    expect(errcode(a)).toBe('M_TOO_LARGE'); // an answer at all: the 50 MiB never come
    expect(a.headers?.connection).toBe('close');
  });

  it('answers a chunked body over 10 MiB with 413, not a connection reset', async () => {
    const a = await put(Buffer.alloc(10 * MB + 1, 'x'), bearer(), { chunked: true });
    expect(a.status, a.body).toBe(413);
    expect(errcode(a)).toBe('M_TOO_LARGE');
  });

  it('answers malformed JSON with M_NOT_JSON and a wrong shape with M_BAD_JSON', async () => {
    for (const body of ['{"events": [', '', `${good}}`, '{"events": NaN}']) {
      const a = await put(body);
      expect([a.status, errcode(a)]).toEqual([400, 'M_NOT_JSON']);
    }
    for (const body of ['null', '[]', '42', '{"events": null}', '{"events": {}}', '{}']) {
      const a = await put(body);
      expect([a.status, errcode(a)]).toEqual([400, 'M_BAD_JSON']);
    }
    expect((await put(`\uFEFF${good}`)).status).toBe(200);
    expect((await put(Buffer.from(`{"events":[],"pad":"${'x'.repeat(9 * MB)}"}`))).status).toBe(
      200,
    );
  });

  it('wants uncompressed UTF-8 JSON', async () => {
    const withHeaders = (h: Record<string, string>) => put(good, { ...bearer(), ...h });
    expect((await withHeaders({ 'content-type': 'text/plain' })).status).toBe(400);
    expect((await withHeaders({ 'content-type': 'application/json; charset=latin1' })).status).toBe(
      415,
    );
    expect((await withHeaders({ 'content-type': 'application/json; charset=UTF-8' })).status).toBe(
      200,
    );
    expect((await withHeaders({ 'content-encoding': 'gzip' })).status).toBe(415);
    expect((await withHeaders({ 'content-encoding': 'identity' })).status).toBe(200);
  });
});

describe('appservice routes', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    send(port, { method: 'GET', path, headers });

  it('answers user and alias queries only with the token', async () => {
    expect((await get('/_matrix/app/v1/users/%40x%3Alocalhost', bearer())).status).toBe(200);
    expect((await get('/_matrix/app/v1/rooms/%23x%3Alocalhost', bearer())).status).toBe(200);
    expect((await get(`/_matrix/app/v1/users/%40x%3Alocalhost?access_token=${TOKEN}`)).status).toBe(
      200,
    );
    for (const path of ['/_matrix/app/v1/users/%40x%3Alocalhost', '/_matrix/app/v1/rooms/%23x']) {
      const a = await get(path, bearer('wrong'));
      expect([a.status, errcode(a)]).toEqual([403, 'M_FORBIDDEN']);
      expect((await get(path)).status).toBe(403);
    }
  });

  it('redirects the pre-v1 paths without reading anything', async () => {
    const a = await send(port, {
      method: 'PUT',
      path: '/transactions/1?access_token=x',
      headers: { 'content-length': String(50 * MB) },
      body: '{',
    });
    expect(a.status).toBe(308); // an answer at all: the declared 50 MiB never come
    expect(a.headers?.location).toBe('/_matrix/app/v1/transactions/1?access_token=x');
    expect((await get('/users/%40x%3Alocalhost')).status).toBe(308);
    expect((await get('/rooms/%23x%3Alocalhost')).status).toBe(308);
  });

  it('answers other methods with 405 and other appservice paths with 404', async () => {
    for (const method of ['POST', 'GET', 'DELETE']) {
      const a = await send(port, { method, path: `${TXN}/1`, headers: bearer() });
      expect([a.status, errcode(a)]).toEqual([405, 'M_UNRECOGNIZED']);
    }
    for (const path of [`${TXN}/`, `${TXN}/a/b`, '/_matrix/app/v1/ping', '/_matrix/app/v2/x']) {
      const a = await send(port, { method: 'PUT', path, headers: bearer(), body: '{}' });
      expect([a.status, errcode(a)]).toEqual([404, 'M_UNRECOGNIZED']);
    }
  });

  it('serves every spelling express would route, never through the JSON parser', async () => {
    const before = recorded.length;
    for (const path of [
      '/_MATRIX/APP/V1/TRANSACTIONS/x',
      `${TXN}/x/`,
      `http://bridge.example${TXN}/x`,
      `http://999999999999${TXN}/x`,
    ]) {
      const a = await send(port, {
        method: 'PUT',
        path,
        headers: { 'content-type': 'application/json', ...bearer('wrong') },
        body: '{"events": [',
      });
      expect([path, a.status]).toEqual([path, 403]);
    }
    const ok = await send(port, {
      method: 'PUT',
      path: '/_Matrix/App/v1/Transactions/y/',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: good,
    });
    expect(ok.status).toBe(200);
    expect(recorded.length).toBe(before + 1);
    expect((await get('/health')).status).toBe(200);
  });
});
