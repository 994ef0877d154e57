/**
 * Verifies the JWT on every activity the Bot Framework POSTs: RS256 only, issuer, audience
 * (one of the configured app ids), exp/nbf with a small clock skew, a key from the JWKS
 * named by the OpenID metadata (cached; refreshed when an unknown key id shows up, at most
 * once per cooldown), the key's endorsement of the channel, and the `serviceurl` claim equal
 * to the activity's serviceUrl. Any failure is a JwtRejected with a reason for the logs.
 */
import {
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
import { BridgeError } from '../../../src/connector/index.js';
import type { Fetch } from '../http.js';

export class JwtRejected extends BridgeError {
  constructor(readonly reason: string) {
    super('TEAMS_ACTIVITY_UNAUTHENTICATED', `activity token rejected: ${reason}`);
  }
}

interface CachedKey {
  key: CryptoKey | Uint8Array;
  endorsements?: string[];
}

export interface VerifierOptions {
  metadataUrl: string;
  issuer: string;
  /** App ids the bridge answers for. */
  audiences: string[];
  fetch: Fetch;
  clockToleranceSec?: number;
  /** Shortest time between two JWKS downloads caused by unknown key ids. */
  refreshCooldownMs?: number;
  /** Keys are refetched after this long even when every kid is known. */
  maxKeyAgeMs?: number;
}

/** Trailing slashes do not make a different service URL. */
const normalizeUrl = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();

export class ActivityTokenVerifier {
  private keys = new Map<string, CachedKey>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly opts: VerifierOptions) {}

  /** Loads the keys now (so a broken metadata URL shows at start); errors propagate. */
  async preload(): Promise<void> {
    await this.refresh(true);
  }

  /**
   * Verifies `authorization` for an activity; resolves to the app id it was sent to. Without
   * `activity` (a body too broken to read) only the token itself is checked.
   */
  async verify(
    authorization: string | undefined,
    activity?: { serviceUrl: string; channelId: string },
  ): Promise<{ appId: string }> {
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization ?? '');
    if (!m) throw new JwtRejected(authorization ? 'not a bearer JWT' : 'no Authorization header');
    const token = m[1]!;
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new JwtRejected('malformed token header');
    }
    if (header.alg !== 'RS256')
      throw new JwtRejected(`algorithm ${String(header.alg)} is not RS256`);
    if (typeof header.kid !== 'string') throw new JwtRejected('no key id');
    const cached = await this.key(header.kid);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, cached.key, {
        algorithms: ['RS256'],
        issuer: this.opts.issuer,
        audience: this.opts.audiences,
        clockTolerance: this.opts.clockToleranceSec ?? 300,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw new JwtRejected(describe(err));
    }
    const aud = Array.isArray(payload.aud)
      ? payload.aud.find((a) => this.opts.audiences.includes(a))
      : payload.aud;
    if (!activity) return { appId: String(aud) };
    if (cached.endorsements && !cached.endorsements.includes(activity.channelId)) {
      throw new JwtRejected(`the signing key does not endorse channel ${activity.channelId}`);
    }
    const claimed = payload.serviceurl ?? payload.serviceUrl;
    if (
      typeof claimed !== 'string' ||
      normalizeUrl(claimed) !== normalizeUrl(activity.serviceUrl)
    ) {
      throw new JwtRejected('the serviceurl claim does not match the activity');
    }
    return { appId: String(aud) };
  }

  private async key(kid: string): Promise<CachedKey> {
    const maxAge = this.opts.maxKeyAgeMs ?? 24 * 3600_000;
    if (this.keys.size === 0 || Date.now() - this.loadedAt > maxAge) await this.refresh(true);
    let hit = this.keys.get(kid);
    if (!hit) {
      await this.refresh(false);
      hit = this.keys.get(kid);
    }
    if (!hit) throw new JwtRejected('unknown signing key');
    return hit;
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && Date.now() - this.loadedAt < (this.opts.refreshCooldownMs ?? 5_000)) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async load(): Promise<void> {
    const meta = (await this.getJson(this.opts.metadataUrl)) as { jwks_uri?: unknown };
    if (typeof meta.jwks_uri !== 'string' || !meta.jwks_uri.startsWith('https://')) {
      throw new BridgeError('TEAMS_OPENID_METADATA', 'the OpenID metadata has no https jwks_uri');
    }
    const jwks = (await this.getJson(meta.jwks_uri)) as {
      keys?: Array<JWK & { endorsements?: unknown }>;
    };
    const next = new Map<string, CachedKey>();
    for (const jwk of jwks.keys ?? []) {
      if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string' || (jwk.use && jwk.use !== 'sig'))
        continue;
      try {
        const key = await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'RS256');
        const endorsements = Array.isArray(jwk.endorsements)
          ? jwk.endorsements.filter((e): e is string => typeof e === 'string')
          : undefined;
        next.set(jwk.kid, { key, endorsements });
      } catch {
        // A key we cannot import cannot have signed anything we accept.
      }
    }
    this.keys = next;
    this.loadedAt = Date.now();
  }

  private async getJson(url: string): Promise<unknown> {
    let res;
    try {
      res = await this.opts.fetch(url, { headers: { accept: 'application/json' } });
    } catch (err) {
      throw new BridgeError(
        'TEAMS_OPENID_METADATA',
        `cannot load ${url}: ${(err as Error).message}`,
      );
    }
    if (!res.ok) throw new BridgeError('TEAMS_OPENID_METADATA', `${url} answered ${res.status}`);
    return res.json();
  }
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `claim ${err.claim} is not acceptable (${err.reason})`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  return (err as Error).message;
}
