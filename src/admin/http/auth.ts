import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Actor, AdminPath } from '../actor.js';
import { AdminError } from '../errors.js';

const SESSION_PREFIX = 'mpbs1.';
const USER_ID = /^@[^:\s]+:\S+$/;
const PATHS: ReadonlySet<string> = new Set(['api', 'console', 'cli']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export interface Session {
  token: string;
  userId: string;
  expiresAt: number;
}

/**
 * Who an HTTP request comes from: the provisioning secret (automation, optionally acting for
 * `?user_id=`) or a session token the bridge signed after checking a Matrix OpenID token.
 * Sessions are stateless (HMAC-signed user id and expiry), so they survive a restart and
 * end when the key (derived from the registration's as_token) changes.
 */
export class Authenticator {
  constructor(
    private readonly secret: string | undefined,
    private readonly sessionKey: string,
    private readonly sessionMs: number,
  ) {}

  issue(userId: string, now = Date.now()): Session {
    const expiresAt = now + this.sessionMs;
    const payload = Buffer.from(JSON.stringify({ sub: userId, exp: expiresAt })).toString(
      'base64url',
    );
    return { token: `${SESSION_PREFIX}${payload}.${this.sign(payload)}`, userId, expiresAt };
  }

  /** The actor of `req`; AdminError UNAUTHENTICATED / BAD_TOKEN / INVALID_REQUEST otherwise. */
  authenticate(req: IncomingMessage, query: URLSearchParams, client: string): Actor {
    const path = pathOf(req);
    const header = req.headers.authorization;
    if (!header) throw new AdminError('UNAUTHENTICATED', 'sign in: send Authorization: Bearer …');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new AdminError('BAD_TOKEN', 'the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    if (token.startsWith(SESSION_PREFIX)) {
      return { userId: this.verifySession(token), viaSecret: false, path, client };
    }
    if (!this.secret || !sameSecret(token, this.secret)) {
      throw new AdminError('BAD_TOKEN', 'the token is not valid');
    }
    const userId = query.get('user_id');
    if (userId === null) return { viaSecret: true, path, client };
    if (!USER_ID.test(userId) || userId.length > 255) {
      throw new AdminError('INVALID_REQUEST', 'user_id must be a Matrix user id (@user:server)', {
        field: 'user_id',
      });
    }
    return { userId, viaSecret: true, path, client };
  }

  private verifySession(token: string, now = Date.now()): string {
    const [payload, signature] = token.slice(SESSION_PREFIX.length).split('.');
    if (!payload || !signature || !sameSecret(signature, this.sign(payload))) {
      throw new AdminError('BAD_TOKEN', 'the session token is not valid; sign in again');
    }
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      throw new AdminError('BAD_TOKEN', 'the session token is not valid; sign in again');
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
      throw new AdminError('BAD_TOKEN', 'the session token is not valid; sign in again');
    }
    if (claims.exp <= now)
      throw new AdminError('BAD_TOKEN', 'the session has expired; sign in again');
    return claims.sub;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.sessionKey).update(payload).digest('base64url');
  }
}

/** The way in a caller declares (`X-Admin-Path: console|cli`), for the audit log only. */
function pathOf(req: IncomingMessage): AdminPath {
  const declared = req.headers['x-admin-path'];
  return typeof declared === 'string' && PATHS.has(declared) ? (declared as AdminPath) : 'api';
}

export { pathOf };
