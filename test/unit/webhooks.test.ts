import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../src/connector/contract.js';
import { MAX_WEBHOOK_BODY_BYTES } from '../../src/connector/contract.js';
import { startWebhookServer, type WebhookServer } from '../contract/webhook-server.js';
import { send } from '../e2e/badinput/http.js';

describe('webhook router', () => {
  let server: WebhookServer;
  const seen: WebhookRequest[] = [];
  let base = '';

  beforeAll(async () => {
    server = await startWebhookServer();
    base = server.router.register('chat-x', async (req) => {
      seen.push(req);
      if (req.path === '/boom') throw new Error('handler bug');
      return { status: 200, body: { ok: true, path: req.path } };
    });
  });
  afterAll(() => server.close());

  it('hands the exact body bytes, path, query and headers to the connector', async () => {
    const raw = '{"b": 1,  "a":2}';
    const res = await fetch(`${base}/events?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Sig': 'abc' },
      body: raw,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, path: '/events' });
    const req = seen.at(-1)!;
    expect(req.body.toString()).toBe(raw);
    expect(req.headers['x-sig']).toBe('abc');
    expect(req.query.get('x')).toBe('1');
    expect(req.method).toBe('POST');
  });

  it('answers 404 for a connector without a webhook', async () => {
    const res = await fetch(`${server.url}/_bridge/webhooks/other/events`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('refuses bodies over the limit with 413 without calling the handler', async () => {
    const before = seen.length;
    const res = await fetch(`${base}/events`, {
      method: 'POST',
      body: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 97),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errcode: 'M_TOO_LARGE' });
    expect(seen.length).toBe(before);
  });

  it('answers a chunked body that outgrows the limit with 413, not a connection reset', async () => {
    const before = seen.length;
    const port = Number(new URL(server.url).port);
    const path = new URL(`${base}/events`).pathname;
    for (let i = 0; i < 5; i++) {
      const a = await send(port, {
        method: 'POST',
        path,
        body: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 97),
        chunked: true,
      });
      expect(a.status, a.body).toBe(413);
      expect(a.headers?.connection).toBe('close');
    }
    expect(seen.length).toBe(before);
  });

  it('turns a handler error into 500 without details', async () => {
    const res = await fetch(`${base}/boom`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain('handler bug');
  });
});
