/**
 * Resources on unauthenticated paths, by class: whatever one address holds open before it has
 * authenticated (idle sockets, half-sent heads, bodies that never come, refused keep-alive
 * connections), it is capped; another address and the homeserver (hs_token) are still served.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { homeserverTransaction, listen, type Listener } from './fixture.js';
import { head, openRaw, until, type RawExchange } from './raw-client.js';

const HOSTILE = '127.0.0.2';
const OTHER = '127.0.0.3';
const CONNECTION_CAP = 6;
const BODY_CAP = 2;

const WEBHOOK = '/_bridge/webhooks/probe/events';

/** What a hostile client leaves on each connection it holds open. */
const HOLDERS: Array<{ name: string; bytes: string; answered?: boolean }> = [
  { name: 'idle connections (no byte sent)', bytes: '' },
  { name: 'half-sent request heads', bytes: `POST ${WEBHOOK} HTTP/1.1\r\nhost: b\r\nx-a: 1\r\n` },
  {
    name: 'keep-alive connections after a wrong hs_token',
    bytes: head('GET', '/_matrix/app/v1/users/%40x%3Ay', { authorization: 'Bearer wrong' }),
    answered: true,
  },
  {
    name: 'keep-alive connections after a bad webhook signature',
    bytes: head('POST', WEBHOOK, { 'content-length': '2', 'x-signature': 'forged' }) + '{}',
    answered: true,
  },
  {
    name: 'media requests with a bad signature, kept alive',
    bytes: head('GET', '/_bridge/media/example.org/abc?sig=0000'),
    answered: true,
  },
];

let bridge: Listener;
let held: RawExchange[] = [];
let txn = 0;

beforeAll(async () => {
  bridge = await listen({
    maxConnectionsPerClient: CONNECTION_CAP,
    maxUnreadBodiesPerClient: BODY_CAP,
    bodyTimeoutMs: 30_000,
    headerTimeoutMs: 30_000,
    retryAfterS: 7,
  });
});

afterEach(async () => {
  for (const h of held) h.socket.destroy();
  held = [];
  await until(() => bridge.service.clientLoad(HOSTILE).connections === 0, 20_000, 'release');
});

afterAll(async () => {
  await bridge?.close();
});

function hold(from: string, bytes: string, count: number): void {
  for (let i = 0; i < count; i++) held.push(openRaw(bridge.port, from, bytes));
}

async function probe(from: string, bytes: string) {
  return openRaw(bridge.port, from, bytes).closed;
}

const mediaProbe = head('GET', '/_bridge/media/probe', { connection: 'close' });

describe('open connections per client', () => {
  it.each(HOLDERS)('$name: over the cap that client gets 429, others are served', async (h) => {
    hold(HOSTILE, h.bytes, CONNECTION_CAP);
    await until(
      () => bridge.service.clientLoad(HOSTILE).connections >= CONNECTION_CAP,
      20_000,
      'connections counted',
    );

    // Requests the holders sent are answered before the probe, so none of them is refused.
    if (h.answered) await until(() => held.every((x) => x.answered()), 20_000, 'answers');
    const refused = await probe(HOSTILE, mediaProbe);
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/\r\nretry-after: 7\r\n/i);
    expect(refused.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(refused.text).toContain('CLIENT_OVER_CAP');
    expect(refused.closedByServer).toBe(true);

    // A request with a body is refused before one byte of it is read.
    const withBody = openRaw(
      bridge.port,
      HOSTILE,
      head('POST', WEBHOOK, { 'content-length': '100000' }),
    );
    const answer = await withBody.closed;
    expect(answer.status).toBe(429);

    expect((await probe(OTHER, mediaProbe)).status).toBe(200);
    // The homeserver may share the address (loopback): its token exempts it.
    expect((await probe(HOSTILE, homeserverTransaction(`t${++txn}`))).status).toBe(200);
  });

  it('counts a connection again only while it is open', async () => {
    hold(HOSTILE, '', CONNECTION_CAP);
    await until(() => bridge.service.clientLoad(HOSTILE).connections >= CONNECTION_CAP);
    expect((await probe(HOSTILE, mediaProbe)).status).toBe(429);
    for (const h of held) h.socket.destroy();
    await until(() => bridge.service.clientLoad(HOSTILE).connections === 0);
    expect((await probe(HOSTILE, mediaProbe)).status).toBe(200);
  });

  it('does not count the homeserver’s keep-alive connections', async () => {
    // More homeserver connections than the cap, all left open.
    for (let i = 0; i < CONNECTION_CAP + 2; i++) {
      const body = JSON.stringify({ events: [] });
      held.push(
        openRaw(
          bridge.port,
          HOSTILE,
          head('PUT', `/_matrix/app/v1/transactions/k${++txn}`, {
            authorization: `Bearer ${'hs-token-for-the-ingress-tests-0123456789'}`,
            'content-type': 'application/json',
            'content-length': String(body.length),
          }) + body,
        ),
      );
    }
    await until(() => bridge.service.clientLoad(HOSTILE).connections === 0, 20_000, 'trusted');
    expect((await probe(HOSTILE, mediaProbe)).status).toBe(200);
  });
});

describe('unread bodies per client', () => {
  const stalled = (declared: Record<string, string>) => head('POST', WEBHOOK, declared);
  const BODIES = [
    { name: 'declared length, nothing sent', bytes: stalled({ 'content-length': '5000' }) },
    {
      name: 'declared length, part sent',
      bytes: stalled({ 'content-length': '5000' }) + 'x'.repeat(100),
    },
    {
      name: 'chunked, no last chunk',
      bytes: stalled({ 'transfer-encoding': 'chunked' }) + '5\r\nhello\r\n',
    },
  ];

  it.each(BODIES)('$name: a further body is refused at once', async (b) => {
    hold(HOSTILE, b.bytes, BODY_CAP);
    await until(() => bridge.service.clientLoad(HOSTILE).bodies === BODY_CAP, 20_000, 'bodies');

    const refused = await probe(
      HOSTILE,
      head('POST', WEBHOOK, { 'content-length': '2', 'x-signature': 'good-signature' }) + '{}',
    );
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('still sending their body');
    // At once, not after a slot came free: the held bodies (30 s timeout) still hold theirs.
    expect(bridge.service.clientLoad(HOSTILE).bodies).toBe(BODY_CAP);
    // Without a body the same client is still served, and so is another client with one.
    expect((await probe(HOSTILE, mediaProbe)).status).toBe(200);
    const other = await probe(
      OTHER,
      head('POST', WEBHOOK, {
        'content-length': '2',
        'x-signature': 'good-signature',
        connection: 'close',
      }) + '{}',
    );
    expect(other.status).toBe(200);
  });
});
