import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Actor, AdminPath } from '../actor.js';
import { AdminError } from '../errors.js';
import { SessionStore, type Session, type SessionGrant } from './session-store.js';

const USER_ID = /^@[^:\s]+:\S+$/;
const PATHS: ReadonlySet<string> = new Set(['api', 'console', 'cli']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The bearer token of `req`; AdminError UNAUTHENTICATED / BAD_TOKEN when there is none. */
function bearerOf(req: IncomingMessage): string {
  const header = req.headers.authorization;
  if (!header) throw new AdminError('UNAUTHENTICATED', 'sign in: send Authorization: Bearer …');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match)
    throw new AdminError('BAD_TOKEN', 'the Authorization header must be "Bearer <token>"');
  return match[1] as string;
}

/**
 * Who an HTTP request comes from: the provisioning secret (automation, optionally acting for
 * `?user_id=`) or a session token (`SessionStore`), exchanged for the secret or for a checked
 * Matrix OpenID token, which carries the rights of what it was exchanged for.
 */
export class Authenticator {
  constructor(
    private readonly secret: string | undefined,
    private readonly sessions: SessionStore,
  ) {}

  issue(grant: SessionGrant): Session {
    return this.sessions.issue(grant);
  }

  /** The actor of `req`; AdminError UNAUTHENTICATED / BAD_TOKEN / INVALID_REQUEST otherwise. */
  authenticate(req: IncomingMessage, query: URLSearchParams, client: string): Actor {
    const path = pathOf(req);
    const token = bearerOf(req);
    // A session speaks only for what it was exchanged for: `user_id` is not looked at.
    if (SessionStore.looksLikeSession(token)) {
      return { ...this.sessions.grantOf(token), path, client };
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

  /** The session token `req` presents, or undefined when it presents something else. */
  sessionTokenOf(req: IncomingMessage): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = match?.[1];
    return token !== undefined && SessionStore.looksLikeSession(token) ? token : undefined;
  }

  /** Signs a session out; false when it was not live. */
  revoke(token: string): boolean {
    return this.sessions.revoke(token);
  }
}

/** The way in a caller declares (`X-Admin-Path: console|cli`), for the audit log only. */
function pathOf(req: IncomingMessage): AdminPath {
  const declared = req.headers['x-admin-path'];
  return typeof declared === 'string' && PATHS.has(declared) ? (declared as AdminPath) : 'api';
}

export { pathOf };
