import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../../src/admin/http/auth.js';
import { SessionStore } from '../../../src/admin/http/session-store.js';
import { RateLimiter } from '../../../src/admin/http/rate-limit.js';
import { AdminError } from '../../../src/admin/errors.js';

const SECRET = 'a-provisioning-secret-of-32-chars!!';

function req(authorization?: string, path?: string): IncomingMessage {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (path !== undefined) headers['x-admin-path'] = path;
  return { headers } as unknown as IncomingMessage;
}

function code(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(AdminError);
    return (err as AdminError).code;
  }
  throw new Error('did not throw');
}

describe('Authenticator', () => {
  const auth = new Authenticator(SECRET, new SessionStore(60_000));
  const q = (s = '') => new URLSearchParams(s);

  it('takes the secret as trusted automation, optionally acting for a user', () => {
    expect(auth.authenticate(req(`Bearer ${SECRET}`), q(), '10.0.0.1')).toEqual({
      viaSecret: true,
      path: 'api',
      client: '10.0.0.1',
    });
    expect(
      auth.authenticate(req(`Bearer ${SECRET}`, 'cli'), q('user_id=@a:example.org'), 'x'),
    ).toMatchObject({ userId: '@a:example.org', viaSecret: true, path: 'cli' });
    expect(code(() => auth.authenticate(req(`Bearer ${SECRET}`), q('user_id=alice'), 'x'))).toBe(
      'INVALID_REQUEST',
    );
  });

  it('refuses missing, malformed and wrong tokens', () => {
    expect(code(() => auth.authenticate(req(), q(), 'x'))).toBe('UNAUTHENTICATED');
    expect(code(() => auth.authenticate(req(`Basic ${SECRET}`), q(), 'x'))).toBe('BAD_TOKEN');
    expect(code(() => auth.authenticate(req(`Bearer ${SECRET}x`), q(), 'x'))).toBe('BAD_TOKEN');
    const noSecret = new Authenticator(undefined, new SessionStore(1000));
    expect(code(() => noSecret.authenticate(req('Bearer '), q(), 'x'))).toBe('BAD_TOKEN');
    expect(code(() => noSecret.authenticate(req('Bearer undefined'), q(), 'x'))).toBe('BAD_TOKEN');
  });

  it('accepts its own session tokens with their grant, not foreign ones', () => {
    const session = auth.issue({ userId: '@ada:example.org', viaSecret: false });
    expect(auth.authenticate(req(`Bearer ${session.token}`, 'console'), q(), 'x')).toEqual({
      userId: '@ada:example.org',
      viaSecret: false,
      path: 'console',
      client: 'x',
    });
    // user_id is ignored for sessions: a session speaks only for its own user.
    expect(
      auth.authenticate(req(`Bearer ${session.token}`), q('user_id=@boss:example.org'), 'x').userId,
    ).toBe('@ada:example.org');
    const other = new Authenticator(SECRET, new SessionStore(60_000)).issue({ viaSecret: true });
    expect(code(() => auth.authenticate(req(`Bearer ${other.token}`), q(), 'x'))).toBe('BAD_TOKEN');
  });

  it('labels unknown X-Admin-Path values as api', () => {
    expect(auth.authenticate(req(`Bearer ${SECRET}`, 'config'), q(), 'x').path).toBe('api');
  });
});

describe('RateLimiter', () => {
  it('allows a burst of the per-minute budget, then asks to wait, per client', () => {
    const limiter = new RateLimiter(3);
    const t = 1_000_000;
    expect([limiter.take('a', t), limiter.take('a', t), limiter.take('a', t)]).toEqual([0, 0, 0]);
    const wait = limiter.take('a', t);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(20_000);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + wait)).toBe(0);
  });
});
