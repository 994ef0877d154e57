/**
 * Bodies that trickle time out (408, connection closed, slot given back) on every way in;
 * oversized bodies are refused without being read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HS_TOKEN, listen, type Listener } from './fixture.js';
import { head, openRaw, until } from './raw-client.js';
import { PATIENT_PEER_MS } from '../../harness/wait.js';

const CLIENT = '127.0.0.4';
const BODY_TIMEOUT_MS = 1_500;

let bridge: Listener;
/**
 * The same, for tests that do not exercise the body timeout: 1.5 s would let a stalled
 * machine time out a body that is sent promptly.
 */
let patient: Listener;

beforeAll(async () => {
  const ingress = { maxConnectionsPerClient: 50, maxUnreadBodiesPerClient: 50 };
  bridge = await listen({ ...ingress, bodyTimeoutMs: BODY_TIMEOUT_MS, headerTimeoutMs: 30_000 });
  patient = await listen({ ...ingress, bodyTimeoutMs: PATIENT_PEER_MS, headerTimeoutMs: 30_000 });
});

afterAll(async () => {
  await bridge?.close();
  await patient?.close();
});

/** Ways in that read a body before (or without) authenticating it. */
const ROUTES = [
  { name: 'platform webhook', path: '/_bridge/webhooks/probe/events', earlyStatus: 408 },
  { name: 'unknown webhook connector', path: '/_bridge/webhooks/nobody/events', earlyStatus: 404 },
  { name: 'express route (takes no body)', path: '/_bridge/anything', earlyStatus: 404 },
  { name: 'avatar URL (takes no body)', path: '/_bridge/media/example.org/abc', earlyStatus: 404 },
  { name: 'path no route serves', path: '/_bridge/admin/v1/links', earlyStatus: 404 },
];

/** How a body trickles: each writes a little every 200 ms and never finishes. */
const TRICKLES: Array<{ name: string; headers: Record<string, string>; drip: () => string }> = [
  {
    name: 'declared length, one byte at a time',
    headers: { 'content-length': '1000', 'content-type': 'application/json' },
    drip: () => 'x',
  },
  {
    name: 'chunked, one small chunk at a time',
    headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
    drip: () => '1\r\nx\r\n',
  },
];

describe('bodies that trickle', () => {
  const cases = ROUTES.flatMap((r) =>
    TRICKLES.map((t) => ({ ...t, route: r.name, path: r.path, earlyStatus: r.earlyStatus })),
  );

  it.each(cases)(
    '$route, $name: answered and closed by the body timeout at the latest',
    async (c) => {
      const ex = openRaw(bridge.port, CLIENT, head('POST', c.path, c.headers), 30_000);
      const dripping = setInterval(() => {
        if (!ex.socket.destroyed) ex.socket.write(c.drip());
      }, 200);
      try {
        const answer = await ex.closed;
        // Answered 408, or (when the route answered before the body was in) cut off.
        expect(answer.status).toBe(c.earlyStatus);
        expect(answer.closedByServer).toBe(true);
        if (answer.status === 408) {
          expect(answer.text).toContain('BODY_TIMEOUT');
          expect(answer.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
        }
        // No upper bound on `ms`: the client waits 30 s and the body never ends, so
        // `closedByServer` already says the server's timeout ended it.
      } finally {
        clearInterval(dripping);
      }
      await until(() => bridge.service.clientLoad(CLIENT).bodies === 0, 20_000, 'slot released');
    },
  );

  it('lets a body that arrives in time through, however it is split', async () => {
    const body = '{"a":1}';
    const ex = openRaw(
      patient.port,
      CLIENT,
      head('POST', '/_bridge/webhooks/probe/events', {
        'content-length': String(body.length),
        'x-signature': 'good-signature',
        connection: 'close',
      }),
    );
    // Three pieces, inside the (patient) timeout even when the machine stalls.
    for (const piece of [body.slice(0, 2), body.slice(2, 5), body.slice(5)]) {
      await new Promise((r) => setTimeout(r, 50));
      ex.socket.write(piece);
    }
    expect((await ex.closed).status).toBe(200);
  });

  it('does not time the homeserver out (it authenticated before its body)', async () => {
    const body = JSON.stringify({ events: [] });
    const ex = openRaw(
      bridge.port,
      CLIENT,
      head('PUT', '/_matrix/app/v1/transactions/slow-but-trusted', {
        authorization: `Bearer ${HS_TOKEN}`,
        'content-type': 'application/json',
        'content-length': String(body.length),
        connection: 'close',
      }),
    );
    ex.socket.write(body.slice(0, 3));
    await new Promise((r) => setTimeout(r, BODY_TIMEOUT_MS + 500));
    ex.socket.write(body.slice(3));
    expect((await ex.closed).status).toBe(200);
  });
});

describe('oversized bodies', () => {
  const OVERSIZED = [
    {
      name: 'webhook, declared 2 MiB',
      bytes: head('POST', '/_bridge/webhooks/probe/events', { 'content-length': String(2 << 20) }),
    },
    {
      name: 'express path, declared 9 MiB (under its JSON parser limit)',
      bytes: head('POST', '/_bridge/anything', {
        'content-type': 'application/json',
        'content-length': String(9 << 20),
      }),
    },
    {
      name: 'transaction with the right token, declared 11 MiB',
      bytes: head('PUT', '/_matrix/app/v1/transactions/huge', {
        authorization: `Bearer ${HS_TOKEN}`,
        'content-type': 'application/json',
        'content-length': String(11 << 20),
      }),
    },
    {
      name: 'transaction with a wrong token, declared 11 MiB',
      bytes: head('PUT', '/_matrix/app/v1/transactions/huge', {
        authorization: 'Bearer wrong',
        'content-type': 'application/json',
        'content-length': String(11 << 20),
      }),
    },
  ];

  it.each(OVERSIZED)('$name: refused at once, unread, connection closed', async (o) => {
    // The body is never sent and the body timeout is 30 s, the client's patience 20 s: an
    // answer at all means the bridge refused without waiting for the body.
    const answer = await openRaw(patient.port, CLIENT, o.bytes).closed;
    expect([403, 404, 413]).toContain(answer.status);
    expect(answer.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer.closedByServer).toBe(true);
  });
});
