import { createHash, randomBytes } from 'node:crypto';
import { AdminError } from '../errors.js';

const TOKEN_PREFIX = 'mpbs2.';
const TOKEN_BYTES = 32;
/** Live sessions kept at most; past it the oldest is dropped (its holder signs in again). */
export const MAX_SESSIONS = 10_000;

/** What a session may do: exactly what the credential it was exchanged for could. */
export interface SessionGrant {
  /** The Matrix user (OpenID sign-in, or the secret acting for `?user_id=`). */
  userId?: string;
  /** Exchanged for the provisioning secret: the secret's rights, not a user's. */
  viaSecret: boolean;
}

export interface Session extends SessionGrant {
  token: string;
  expiresAt: number;
}

interface Entry {
  grant: SessionGrant;
  expiresAt: number;
}

/** Tokens are looked up by their hash: the map's timing and a heap dump reveal no token. */
const keyOf = (token: string): string => createHash('sha256').update(token).digest('hex');

const invalid = (why: string): AdminError => new AdminError('BAD_TOKEN', `${why}; sign in again`);

/**
 * Console and API sessions: random tokens, kept in this process only, each with an expiry.
 * Being server-side, a session ends for good when revoked (sign-out) and every session ends
 * when the bridge restarts; a stolen token is worth at most one lifetime.
 */
export class SessionStore {
  private readonly live = new Map<string, Entry>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
    private readonly max = MAX_SESSIONS,
  ) {}

  /** Whether `token` has the shape of a session token (rather than the provisioning secret). */
  static looksLikeSession(token: string): boolean {
    return token.startsWith(TOKEN_PREFIX);
  }

  issue(grant: SessionGrant): Session {
    this.makeRoom();
    const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    const expiresAt = this.now() + this.lifetimeMs;
    const own: SessionGrant = { viaSecret: grant.viaSecret };
    if (grant.userId !== undefined) own.userId = grant.userId;
    this.live.set(keyOf(token), { grant: own, expiresAt });
    return { token, ...own, expiresAt };
  }

  /** The grant of a live session; AdminError BAD_TOKEN for unknown, revoked or expired ones. */
  grantOf(token: string): SessionGrant {
    const key = keyOf(token);
    const entry = this.live.get(key);
    if (!entry)
      throw invalid(
        'the session token is not valid (unknown, signed out or from before a restart)',
      );
    if (entry.expiresAt <= this.now()) {
      this.live.delete(key);
      throw invalid('the session has expired');
    }
    return { ...entry.grant };
  }

  /** Ends a session at once; false when it was not live. */
  revoke(token: string): boolean {
    return this.live.delete(keyOf(token));
  }

  get size(): number {
    return this.live.size;
  }

  private makeRoom(): void {
    if (this.live.size < this.max) return;
    const now = this.now();
    for (const [key, entry] of this.live) if (entry.expiresAt <= now) this.live.delete(key);
    // Maps keep insertion order: the first entries are the oldest sessions.
    for (const key of this.live.keys()) {
      if (this.live.size < this.max) break;
      this.live.delete(key);
    }
  }
}
