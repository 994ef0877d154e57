/**
 * Bad input against every endpoint the bridge serves (appservice transactions and queries,
 * connector webhooks, the avatar media proxy), fired while normal traffic streams both ways
 * through a portal. Asserts: every bad request gets a clear 4xx (or, for authenticated
 * transactions whose events are unusable, an acknowledgement with nothing bridged); nothing
 * unauthenticated is recorded or bridged; the bridge stays up; the stream is exactly-once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import { renderTable } from '../../../bench/lib/table.js';
import { connectorsUnderTest, faultWorld } from '../fault/fixture.js';
import { expectExactlyOnceInOrder, printScenario } from '../fault/report.js';
import { roomHistory, streamBothWays, warmUp } from '../fault/stream.js';
import { allCases, type BadCase } from './cases.js';
import { send, type RawAnswer } from './http.js';
import { probeAccepted, probeDefinition, probeSignature } from './probe-connector.js';

// A 1x1 PNG, for a Matrix avatar the bridge must serve through its signed media proxy.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const CONCURRENCY = 4;

function verdict(c: BadCase, a: RawAnswer): string | undefined {
  if (a.status === 0) return `no answer (${a.body})`;
  if (a.status >= 500) return `server error ${a.status}: ${a.body.slice(0, 200)}`;
  switch (c.expect.kind) {
    case 'refused':
      if (!c.expect.status.includes(a.status))
        return `expected ${c.expect.status.join('/')}, got ${a.status}: ${a.body.slice(0, 200)}`;
      // Node itself answers 414/431 before any handler runs, without a body.
      if (a.body.trim() === '' && a.status !== 431 && a.status !== 414)
        return `refused with ${a.status} but no explanation`;
      return undefined;
    case 'ignored':
      return a.status === 200 ? undefined : `expected 200 (ignored), got ${a.status}: ${a.body}`;
    case 'survived':
      return a.status < 500 ? undefined : `got ${a.status}`;
  }
}

async function recordedMarkers(world: BridgedWorld, markers: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: world.config.database.url });
  await client.connect();
  try {
    const res = await client.query<{ event_key: string }>(
      'SELECT event_key FROM inbox WHERE event_key = ANY($1)',
      [markers.map((m) => `$${m}`)],
    );
    return res.rows.map((r) => r.event_key);
  } finally {
    await client.end();
  }
}

/** Portal links whose channel is one of the markers (forged provisioning requests). */
async function linkedMarkers(world: BridgedWorld, markers: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: world.config.database.url });
  await client.connect();
  try {
    const res = await client.query<{ channel: string }>(
      'SELECT channel FROM portal_links WHERE channel = ANY($1)',
      [markers],
    );
    return res.rows.map((r) => r.channel);
  } finally {
    await client.end();
  }
}

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld | undefined;
  let bridge: BridgeApp | undefined;
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it('refuses bad requests on every endpoint while traffic keeps flowing', async () => {
    const w = await faultWorld(adapter);
    world = w;
    const secret = randomBytes(16).toString('hex');
    w.config.connectors.probe = { secret };
    // The provisioning API, on, with a rate limit the barrage stays under.
    const adminSecret = randomBytes(24).toString('hex');
    w.config.admin = {
      ...(w.config.admin ?? {}),
      provisioning: { enabled: true, secret: adminSecret, rate_limit_per_minute: 100_000 },
    } as typeof w.config.admin;
    bridge = await w.startBridge(undefined, [probeDefinition as never]);
    const port = w.config.appservice.port;
    const portal = w.portals[0]!;

    // Positive controls first, so every refusal below means something.
    await w.matrix.setAvatarUrl(await w.matrix.uploadMedia(PNG, 'image/png', 'a.png'));
    await warmUp(w, 'bi');
    const avatarUrl = (await w.platform.bridgedMessages(portal.channel)).at(-1)?.avatarUrl;
    const mediaPath = avatarUrl
      ? new URL(avatarUrl).pathname + new URL(avatarUrl).search
      : undefined;
    if (mediaPath) expect((await send(port, { method: 'GET', path: mediaPath })).status).toBe(200);
    const signedBody = '{"marker":"probe-signed-ok"}';
    expect(
      (
        await send(port, {
          method: 'POST',
          path: '/_bridge/webhooks/probe/events',
          headers: { 'x-probe-signature': probeSignature(secret, signedBody) },
          body: signedBody,
        })
      ).status,
    ).toBe(200);

    const registration = (await import('yaml')).parse(
      (await import('node:fs')).readFileSync(w.config.appservice.registration, 'utf8'),
    ) as { hs_token: string };
    const cases = allCases(
      {
        hsToken: registration.hs_token,
        roomId: portal.roomId,
        sender: w.matrix.userId,
        ghost: w.ghost,
        bot: w.botUserId,
        mediaPath,
        adminSecret,
      },
      probeSignature(secret, 'some other body'),
    );

    // The barrage and a clean stream at the same time.
    const answers = new Map<BadCase, RawAnswer>();
    const barrage = (async () => {
      const queue = [...cases];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let c = queue.shift(); c; c = queue.shift())
            answers.set(c, await send(port, c.request, c.timeoutMs));
        }),
      );
    })();
    const stream = streamBothWays(w, { tag: 'bi', perRoom: 15, intervalMs: 100, faults: [] });
    const [, result] = await Promise.all([barrage, stream]);

    // Results per endpoint, as a table in the test output.
    const judged = cases.map((c) => ({ c, why: verdict(c, answers.get(c) as RawAnswer) }));
    const problems = judged.filter((p) => p.why !== undefined && !p.c.known);
    // Known findings must still reproduce; once one is fixed, its mark in cases.ts goes.
    const known = judged.filter((p) => p.c.known);
    const fixed = known.filter((p) => p.why === undefined);
    const endpoints = [...new Set(cases.map((c) => c.endpoint))];
    const rows = endpoints.map((e) => {
      const mine = cases.filter((c) => c.endpoint === e);
      const status = (c: BadCase): number => answers.get(c)?.status ?? 0;
      return [
        e,
        mine.length,
        mine.filter((c) => status(c) >= 400 && status(c) < 500).length,
        mine.filter((c) => status(c) >= 300 && status(c) < 400).length,
        mine.filter((c) => status(c) >= 200 && status(c) < 300).length,
        mine.filter((c) => status(c) >= 500 || status(c) === 0).length,
        known.filter((p) => p.c.endpoint === e && p.why !== undefined).length,
        problems.filter((p) => p.c.endpoint === e).length,
      ];
    });
    rows.push([
      'total',
      cases.length,
      ...[2, 3, 4, 5, 6, 7].map((i) => rows.reduce((n, r) => n + (r[i] as number), 0)),
    ]);
    console.log(
      `\n[bad input] ${cases.length} bad requests tried\n` +
        renderTable(
          ['endpoint', 'tried', '4xx', '3xx', '2xx', '5xx/none', 'known finding', 'unexpected'],
          rows,
        ) +
        '\n',
    );
    console.log(
      `[bad input] known findings still reproducing:\n${known
        .filter((p) => p.why !== undefined)
        .map((p) => `  ${p.c.known} ${p.c.endpoint} / ${p.c.name}: ${p.why}`)
        .join('\n')}\n`,
    );
    printScenario('bad-input barrage (clean traffic)', adapter.id, result);
    expect(problems.map((p) => `${p.c.endpoint} / ${p.c.name}: ${p.why}`)).toEqual([]);
    expect(
      fixed.map((p) => `${p.c.known} (${p.c.name}) no longer reproduces: remove its mark`),
    ).toEqual([]);

    // Nothing forged got recorded, bridged, or accepted by the webhook.
    const markers = cases.flatMap((c) => c.markers);
    expect(markers.length).toBeGreaterThan(40);
    expect(await recordedMarkers(w, markers)).toEqual([]);
    expect(await linkedMarkers(w, markers)).toEqual([]);
    const onPlatform = (await w.platform.bridgedTexts(portal.channel)).join('\n');
    const inRoom = (await roomHistory(w, portal.roomId))
      .map((e) => String(e.content.body ?? ''))
      .join('\n');
    expect(markers.filter((m) => onPlatform.includes(m) || inRoom.includes(m))).toEqual([]);
    expect(probeAccepted.get(secret)).toEqual([signedBody]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still up, and the traffic that ran alongside arrived exactly once, in order.
    expect((await send(port, { method: 'GET', path: '/health' })).status).toBe(200);
    expectExactlyOnceInOrder(result);
  });
});
