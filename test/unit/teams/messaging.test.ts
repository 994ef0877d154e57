import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenFault } from '../../../simulators/teams/index.js';
import { waitFor } from '../../contract/fake-context.js';
import { teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld;

beforeAll(async () => {
  // No periodic catch-up: what is not accepted live must stay unprocessed.
  w = await teamsWorld({ catchup: { interval_seconds: 3600, settle_seconds: 1 } });
}, 60_000);
afterAll(() => w?.close());

/** A message whose genuine delivery was lost, so only forged copies reach the bridge. */
async function undelivered(text: string): Promise<string> {
  w.sim.dropDeliveries(1);
  const id = w.sim.control.post(w.alice.id, w.channelId, text);
  await w.sim.idle();
  return id;
}

const emittedFor = (id: string) =>
  w.ctx.events.filter((e) => 'messageId' in e && e.messageId === id);

/** A genuine message delivered after the refused ones: once it is emitted, they were handled. */
async function settled(): Promise<void> {
  const marker = w.sim.control.post(w.alice.id, w.channelId, 'marker after refused deliveries');
  await waitFor('the marker message', () => emittedFor(marker).length > 0);
}

describe('the messaging endpoint', () => {
  it('answers 401 to every invalid token and processes nothing', async () => {
    const id = await undelivered('forged');
    const faults: TokenFault[] = [
      'missing',
      'expired',
      'not-yet-valid',
      'wrong-audience',
      'wrong-issuer',
      'unknown-key',
      'wrong-service-url',
      'alg-none',
      'hs256',
      'bad-signature',
      'wrong-endorsement',
    ];
    for (const fault of faults) {
      expect([fault, await w.sim.deliverForged(w.app.appId, id, fault)]).toEqual([fault, 401]);
    }
    await settled();
    expect(emittedFor(id)).toEqual([]);
    // The same activity with a valid token is processed, once.
    expect(await w.sim.deliverForged(w.app.appId, id)).toBe(200);
    expect(await w.sim.deliverForged(w.app.appId, id)).toBe(200);
    expect(emittedFor(id).map((e) => e.kind)).toEqual(['message']);
  });

  it('answers 400 to malformed activities that carry a valid token, 401 to those without', async () => {
    const id = await undelivered('malformed');
    expect(await w.sim.deliverForged(w.app.appId, id, undefined, () => 'not json at all')).toBe(
      400,
    );
    expect(
      await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
        ...a,
        conversation: undefined,
      })),
    ).toBe(400);
    expect(
      await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({ ...a, from: 'nobody' })),
    ).toBe(400);
    expect(
      await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
        ...a,
        type: 'messageReaction',
        replyToId: undefined,
      })),
    ).toBe(400);
    expect(await w.sim.deliverForged(w.app.appId, id, 'missing', () => 'not json at all')).toBe(
      401,
    );
    expect(
      await w.sim.deliverForged(w.app.appId, id, 'expired', (a) => ({
        ...a,
        conversation: undefined,
      })),
    ).toBe(401);
    expect(emittedFor(id)).toEqual([]);
  });

  it('ignores unknown activity types and other tenants with 200, refuses untrusted service URLs with 403', async () => {
    const id = await undelivered('misc');
    expect(
      await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
        ...a,
        type: 'somethingNew',
      })),
    ).toBe(200);
    const otherTenant = (a: Record<string, unknown>) => ({
      ...a,
      conversation: { ...(a.conversation as object), tenantId: 'another-tenant' },
      channelData: { ...(a.channelData as object), tenant: { id: 'another-tenant' } },
    });
    expect(await w.sim.deliverForged(w.app.appId, id, undefined, otherTenant)).toBe(200);
    // The token is genuinely issued for this serviceUrl, but the host is not trusted for sending.
    expect(
      await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
        ...a,
        serviceUrl: 'https://attacker.example/amer/',
      })),
    ).toBe(403);
    await settled();
    expect(emittedFor(id)).toEqual([]);
  });

  it('serves only POST /messages and GET /oauth/callback', async () => {
    const base = `${w.webhooks.url}/_bridge/webhooks/teams`;
    expect((await fetch(`${base}/messages`)).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/oauth/callback?state=contoso.nope&code=x`)).status).toBe(400);
  });

  it('follows a signing key rotation (refetching the JWKS for an unknown key id)', async () => {
    // Let the refresh cooldown (5 s since the keys were loaded at start) pass: a lower bound
    // on elapsed time, which a slow machine can only exceed.
    await new Promise((r) => setTimeout(r, 5_100));
    await w.sim.rotateSigningKey(true);
    const id = w.sim.control.post(w.alice.id, w.channelId, 'after rotation');
    await waitFor('the message after the rotation', () => emittedFor(id).length > 0);
    expect(w.sim.deliveries().find((d) => d.activityId === id)?.status).toBe(200);
  });
});
