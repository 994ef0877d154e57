import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../src/admin/http/api-routes.js';
import { Authenticator } from '../../../src/admin/http/auth.js';
import { RateLimiter } from '../../../src/admin/http/rate-limit.js';
import { SessionStore } from '../../../src/admin/http/session-store.js';
import { AdminHttp, healthRoute } from '../../../src/admin/http/server.js';
import { silentLogger } from '../../../src/util/logger.js';
import { send } from '../../e2e/badinput/http.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

const SECRET = 'x'.repeat(40);
let db: Knex;
let w: AdminWorld;
let server: Server;
let base = '';

beforeAll(async () => {
  db = await openTestDb();
  w = await adminWorld(db, {});
  const auth = new Authenticator(SECRET, new SessionStore(60_000));
  const http = new AdminHttp(
    apiRoutes({ ops: w.ops, auth, openid: undefined }),
    [healthRoute],
    w.ops,
    auth,
    new RateLimiter(5),
    true,
    silentLogger(),
  );
  server = createServer((req, res) => {
    if (http.matches(req.url)) void http.handle(req, res);
    else res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db?.destroy();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${base}/_bridge/admin/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${SECRET}`, ...(init.headers ?? {}) },
  });

describe('AdminHttp', () => {
  it('serves only its own paths', () => {
    const http = new AdminHttp(
      [],
      [healthRoute],
      w.ops,
      undefined as never,
      new RateLimiter(1),
      false,
      silentLogger(),
    );
    expect(http.matches('/health')).toBe(true);
    expect(http.matches('/_bridge/admin/v1/portals')).toBe(false); // API turned off
    expect(http.matches('/_matrix/app/v1/transactions/1')).toBe(false);
  });

  it('refuses bodies over 64 KiB and says when sign-in is turned off', async () => {
    const big = await api('/links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ errcode: 'M_TOO_LARGE', code: 'TOO_LARGE' });
    const session = await api('/session', { method: 'POST', body: '{}' });
    expect(session.status).toBe(501);
  });

  it('answers a chunked body that outgrows 64 KiB with 413, not a connection reset', async () => {
    const port = Number(new URL(base).port);
    const answer = await send(port, {
      method: 'POST',
      path: '/_bridge/admin/v1/links',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: Buffer.alloc(200_000, 97),
      chunked: true,
    });
    expect(answer.status, answer.body).toBe(413);
    expect(answer.headers?.connection).toBe('close');
  });

  it('rate limits each client, with Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await api('/whoami');
    expect(last?.status).toBe(429);
    const body = (await last!.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', code: 'RATE_LIMITED' });
    expect(body.retry_after_ms).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Health is not an API route: it is never rate limited.
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
