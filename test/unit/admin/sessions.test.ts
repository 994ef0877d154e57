import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../src/admin/http/api-routes.js';
import { Authenticator } from '../../../src/admin/http/auth.js';
import { RateLimiter } from '../../../src/admin/http/rate-limit.js';
import { AdminHttp } from '../../../src/admin/http/server.js';
import { MAX_SESSIONS, SessionStore } from '../../../src/admin/http/session-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

const SECRET = 's'.repeat(40);
const LIFETIME = 60 * 60_000;
let clock = Date.now();
let db: Knex;
let w: AdminWorld;
let server: Server;
let base = '';

beforeAll(async () => {
  db = await openTestDb();
  w = await adminWorld(db, { '@ada:example.org': 'linker' });
  const auth = new Authenticator(SECRET, new SessionStore(LIFETIME, () => clock));
  const http = new AdminHttp(
    apiRoutes({ ops: w.ops, auth, openid: undefined }),
    [],
    w.ops,
    auth,
    new RateLimiter(100_000),
    true,
    silentLogger(),
  );
  server = createServer((req, res) => void http.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bridge/admin/v1`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db?.destroy();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, token?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, { method, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signIn(path = '/session/secret'): Promise<string> {
  const res = await call('POST', path, SECRET);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return String(res.body.token);
}

describe('console sessions exchanged for the provisioning secret', () => {
  it('answers a random session token with the secret’s rights, never the secret', async () => {
    const res = await call('POST', '/session/secret', SECRET);
    expect(res.body).toMatchObject({ user_id: null, level: 'admin' });
    expect(res.body.expires_at).toBe(clock + LIFETIME);
    const token = String(res.body.token);
    expect(token).toMatch(/^mpbs2\.[A-Za-z0-9_-]{43}$/);
    expect(token).not.toContain(SECRET);
    expect(await call('GET', '/whoami', token)).toMatchObject({
      status: 200,
      body: { user_id: null, level: 'admin' },
    });
    expect((await call('GET', '/audit?limit=1', token)).status).toBe(200);
  });

  it('carries the rights of a secret acting for a user, and only those', async () => {
    const token = await signIn('/session/secret?user_id=@ada:example.org');
    expect((await call('GET', '/whoami', token)).body).toMatchObject({
      user_id: '@ada:example.org',
      level: 'linker',
    });
    expect((await call('GET', '/audit', token)).status).toBe(403);
    // A session never switches users through user_id.
    const as = await call('GET', '/whoami?user_id=@boss:example.org', token);
    expect(as.body.user_id).toBe('@ada:example.org');
  });

  it('refuses to exchange a session for another', async () => {
    const token = await signIn();
    const again = await call('POST', '/session/secret', token);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('INVALID_REQUEST');
  });

  it('signs out on the bridge: the token is refused at once afterwards', async () => {
    const token = await signIn();
    const other = await signIn();
    expect(await call('DELETE', '/session', token)).toEqual({
      status: 200,
      body: { signed_out: true },
    });
    const after = await call('GET', '/whoami', token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('BAD_TOKEN');
    expect(String(after.body.error)).toMatch(/sign in again/);
    expect((await call('DELETE', '/session', token)).status).toBe(401);
    // Other sessions live on.
    expect((await call('GET', '/whoami', other)).status).toBe(200);
    // The secret itself cannot be "signed out": the answer says how to withdraw it.
    const secret = await call('DELETE', '/session', SECRET);
    expect(secret.status).toBe(400);
    expect(String(secret.body.error)).toContain('admin.provisioning.secret');
  });

  it('ends sessions at their expiry', async () => {
    const token = await signIn();
    clock += LIFETIME - 1;
    expect((await call('GET', '/whoami', token)).status).toBe(200);
    clock += 1;
    const expired = await call('GET', '/whoami', token);
    expect(expired.status).toBe(401);
    expect(String(expired.body.error)).toMatch(/expired; sign in again/);
    clock += 1;
    expect((await call('GET', '/whoami', token)).status).toBe(401);
  });

  it('audits sign-ins and sign-outs, without the token', async () => {
    const token = await signIn();
    await call('DELETE', '/session', token);
    const entries = await w.audit.list({ limit: 2 });
    expect(entries.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['sign_out', 'ok', 'provisioning-secret'],
      ['sign_in_secret', 'ok', 'provisioning-secret'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(token.slice(6));
  });

  it('refuses every forged, altered, foreign, revoked or expired token', async () => {
    const live = await signIn();
    const revoked = await signIn();
    await call('DELETE', '/session', revoked);
    const expiring = new SessionStore(1000, () => clock);
    const foreign = new SessionStore(LIFETIME).issue({ viaSecret: true }).token;
    const body = live.slice('mpbs2.'.length);
    const flip = (s: string, i: number): string =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    // The stateless format of earlier versions: HMAC over {sub, exp}, here with a guessed key.
    const claims = Buffer.from(
      JSON.stringify({ sub: '@ada:example.org', exp: clock + 1e6 }),
    ).toString('base64url');
    const legacy = `mpbs1.${claims}.${createHmac('sha256', 'guess').update(claims).digest('base64url')}`;
    const hostile: Array<[string, string]> = [
      ['random token of the right shape', `mpbs2.${'A'.repeat(43)}`],
      ['prefix only', 'mpbs2.'],
      ['one character changed (first)', `mpbs2.${flip(body, 0)}`],
      ['one character changed (last)', `mpbs2.${flip(body, body.length - 1)}`],
      ['truncated', live.slice(0, -1)],
      ['extended', `${live}A`],
      ['upper-cased', `mpbs2.${body.toUpperCase()}`],
      ['other prefix', `mpbs3.${body}`],
      ['the secret behind the session prefix', `mpbs2.${SECRET}`],
      ['a token of another bridge process', foreign],
      ['a signed-out token', revoked],
      ['an expired token', expiring.issue({ viaSecret: true }).token],
      ['an old stateless (HMAC) session token', legacy],
    ];
    clock += 1000; // the expiring store's token is now past its end
    for (const [name, token] of hostile) {
      const res = await call('GET', '/whoami', token);
      expect(res.status, name).toBe(401);
      expect(res.body.code, name).toBe('BAD_TOKEN');
    }
    // Positive control: the genuine token still works after the barrage.
    expect((await call('GET', '/whoami', live)).status).toBe(200);
  });
});

describe('SessionStore', () => {
  it('keeps at most MAX_SESSIONS, dropping expired ones first, then the oldest', () => {
    let now = 0;
    const store = new SessionStore(1000, () => now, 3);
    const first = store.issue({ viaSecret: true });
    now = 500;
    const second = store.issue({ viaSecret: true });
    store.issue({ viaSecret: true });
    now = 1000; // the first has expired
    store.issue({ viaSecret: true });
    expect(store.size).toBe(3);
    expect(() => store.grantOf(first.token)).toThrow(/sign in again/);
    expect(store.grantOf(second.token)).toEqual({ viaSecret: true });
    store.issue({ viaSecret: true }); // full again: the oldest live one (second) goes
    expect(() => store.grantOf(second.token)).toThrow(/sign in again/);
    expect(MAX_SESSIONS).toBeGreaterThanOrEqual(1000);
  });
});
