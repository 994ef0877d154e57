/**
 * Refused requests are logged as summaries: a flood of bad tokens, bad signatures and
 * over-cap requests gives a handful of log lines with counts, not one line each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefusalLog } from '../../../src/util/refusal-log.js';
import { HS_TOKEN, listen, type Listener } from './fixture.js';
import { capturingLogger, head, openRaw, until } from './raw-client.js';

const ATTACKERS = ['127.0.0.5', '127.0.0.6', '127.0.0.7'];
const ROUNDS = 8;

/** Every way of getting the homeserver token wrong, and other forged credentials. */
const BAD_REQUESTS: Array<{ name: string; bytes: string; route: string; reason: string }> = [
  ...[
    { authorization: 'Bearer not-the-token' } as Record<string, string>,
    {},
    { authorization: `Basic ${Buffer.from(`x:${HS_TOKEN}`).toString('base64')}` },
    { authorization: `Bearer ${HS_TOKEN}x` },
    { authorization: `Bearer ${HS_TOKEN.slice(0, -1)}` },
  ].map((headers, i) => ({
    name: `hs_token variant ${i}`,
    bytes: head('GET', '/_matrix/app/v1/users/%40a%3Ab', { ...headers, connection: 'close' }),
    route: 'appservice',
    reason: 'wrong_hs_token',
  })),
  {
    name: 'access_token query that does not match the header',
    bytes: head('GET', `/_matrix/app/v1/users/%40a%3Ab?access_token=forged`, {
      authorization: `Bearer ${HS_TOKEN}`,
      connection: 'close',
    }),
    route: 'appservice',
    reason: 'wrong_hs_token',
  },
  ...['forged', '', 'good-signaturE'].map((signature) => ({
    name: `webhook signature "${signature}"`,
    bytes:
      head('POST', '/_bridge/webhooks/probe/events', {
        'x-signature': signature,
        'content-length': '2',
        connection: 'close',
      }) + '{}',
    route: 'webhooks/probe',
    reason: 'refused_401',
  })),
  {
    name: 'avatar URL with a forged signature',
    bytes: head('GET', '/_bridge/media/example.org/abc?sig=00000000000000000000000000000000', {
      connection: 'close',
    }),
    route: 'media',
    reason: 'bad_signature',
  },
];

let bridge: Listener;
const { log, lines } = capturingLogger();

beforeAll(async () => {
  bridge = await listen({}, log);
});

afterAll(async () => {
  await bridge?.close();
});

const warnings = () => lines.filter((l) => l.level === 40);

describe('refusal summaries', () => {
  it('logs a flood of forged requests as one line per route and reason, then one summary', async () => {
    const sent = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        BAD_REQUESTS.flatMap((r) =>
          ATTACKERS.map(async (from) => {
            const answer = await openRaw(bridge.port, from, r.bytes).closed;
            expect([401, 403], r.name).toContain(answer.status);
            const key = `${r.route} ${r.reason}`;
            sent.set(key, (sent.get(key) ?? 0) + 1);
          }),
        ),
      );
    }
    const keys = [...sent.keys()];
    expect(keys).toHaveLength(3);
    // Before the interval ends: only the first refusal of each kind is a line.
    expect(warnings()).toHaveLength(keys.length);

    bridge.refusals.flush();
    const all = warnings();
    expect(all).toHaveLength(2 * keys.length);
    for (const key of keys) {
      const [route, reason] = key.split(' ');
      const summary = all.find(
        (l) => l.route === route && l.reason === reason && typeof l.count === 'number',
      );
      expect(summary, key).toBeDefined();
      expect(summary!.count).toBe(sent.get(key)! - 1);
      expect(summary!.clients).toBe(ATTACKERS.length);
      expect(summary!.sample_clients).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    // No credential reaches the log, whatever was sent.
    expect(JSON.stringify(lines)).not.toContain(HS_TOKEN.slice(0, 12));
  });
});

describe('RefusalLog windows', () => {
  it('starts a new window once the interval is over, and reports the old one', () => {
    const captured = capturingLogger();
    let now = 0;
    const refusals = new RefusalLog(captured.log, 1000, () => now);
    for (let i = 0; i < 50; i++) refusals.note('webhooks/x', 'refused_401', `10.0.0.${i % 7}`);
    expect(captured.lines).toHaveLength(1);
    now = 1500;
    refusals.note('webhooks/x', 'refused_401', '10.0.0.1');
    expect(captured.lines).toHaveLength(3);
    expect(captured.lines[1]).toMatchObject({ count: 49, clients: 7 });
    expect((captured.lines[1]!.sample_clients as string[]).length).toBe(3);
    refusals.flush();
    expect(captured.lines).toHaveLength(3);
  });

  it('reports a window on its own when no further refusal comes', async () => {
    const captured = capturingLogger();
    const refusals = new RefusalLog(captured.log, 200);
    for (let i = 0; i < 5; i++) refusals.note('appservice', 'wrong_hs_token', '10.1.1.1');
    await until(() => captured.lines.length === 2, 20_000, 'summary');
    expect(captured.lines[1]).toMatchObject({ count: 4, clients: 1 });
  });
});
