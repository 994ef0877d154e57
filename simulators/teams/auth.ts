/**
 * Identity for the simulator: the Bot Framework signing keys (served as a JWKS and used to
 * sign the tokens on activities POSTed to bots), and the Entra ID token service (client
 * credentials for Bot Connector and Graph, authorization code and refresh token for
 * delegated user tokens). Access tokens are opaque to their holders, as real ones should be.
 */
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { guid, token } from './ids.js';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type Audience = 'botframework' | 'graph';

export interface IssuedToken {
  kind: 'app' | 'delegated';
  audience: Audience;
  appId: string;
  tenantId: string;
  userId?: string;
  scopes: Set<string>;
  expiresAt: number;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

/** How a forged activity token is wrong (for tests of the bot's validation). */
export type TokenFault =
  | 'missing'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'unknown-key'
  | 'wrong-service-url'
  | 'alg-none'
  | 'hs256'
  | 'bad-signature'
  | 'wrong-endorsement';

export class SimAuth {
  private keys: SigningKey[] = [];
  private stranger: SigningKey | undefined;
  private readonly tokens = new Map<string, IssuedToken>();
  readonly codes = new Map<
    string,
    {
      appId: string;
      userId: string;
      redirectUri: string;
      scopes: Set<string>;
      expiresAt: number;
      challenge?: string;
    }
  >();
  readonly refreshTokens = new Map<
    string,
    { appId: string; userId: string; tenantId: string; scopes: Set<string> }
  >();
  tokenLifetimeSec = 3600;

  async init(): Promise<void> {
    this.keys = [await newKey(['msteams'])];
    this.stranger = await newKey(['msteams']);
  }

  /** The JWKS as Bot Framework serves it (keys carry the channels they endorse). */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.jwk) };
  }

  /** Adds a new signing key and signs with it from now on; old keys stay published unless `retireOld`. */
  async rotate(retireOld = false): Promise<string> {
    const k = await newKey(['msteams']);
    this.keys = retireOld ? [k] : [k, ...this.keys];
    return k.kid;
  }

  issue(t: Omit<IssuedToken, 'expiresAt'>): { accessToken: string; expiresIn: number } {
    const accessToken = `sim.${token()}`;
    this.tokens.set(accessToken, { ...t, expiresAt: Date.now() + this.tokenLifetimeSec * 1000 });
    return { accessToken, expiresIn: this.tokenLifetimeSec };
  }

  issueRefresh(appId: string, userId: string, tenantId: string, scopes: Set<string>): string {
    const rt = `rt.${token()}`;
    this.refreshTokens.set(rt, { appId, userId, tenantId, scopes });
    return rt;
  }

  newCode(c: {
    appId: string;
    userId: string;
    redirectUri: string;
    scopes: Set<string>;
    challenge?: string;
  }): string {
    const code = `code.${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, { ...c, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  /** The token behind an `Authorization: Bearer` header, if valid and unexpired. */
  check(header: string | undefined): IssuedToken | undefined {
    const m = /^Bearer (\S+)$/.exec(header ?? '');
    const t = m ? this.tokens.get(m[1]!) : undefined;
    if (!t || t.expiresAt < Date.now()) return undefined;
    return t;
  }

  /** Expires every access token (holders must renew). */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** The JWT the Bot Framework channel puts on an activity for `appId`, optionally broken. */
  async activityToken(
    appId: string,
    serviceUrl: string,
    fault?: TokenFault,
  ): Promise<string | undefined> {
    if (fault === 'missing') return undefined;
    if (fault === 'wrong-endorsement') return this.endorsementMismatchToken(appId, serviceUrl);
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      serviceurl: fault === 'wrong-service-url' ? 'https://evil.example/' : serviceUrl,
      nbf: fault === 'not-yet-valid' ? now + 3600 : now - 300,
      exp: fault === 'expired' ? now - 3600 : now + 3600,
      iat: now - 300,
    };
    const aud = fault === 'wrong-audience' ? guid() : appId;
    const iss = fault === 'wrong-issuer' ? 'https://sts.windows.net/evil/' : BOT_FRAMEWORK_ISSUER;
    if (fault === 'alg-none') {
      const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ ...claims, aud, iss })).toString('base64url');
      return `${head}.${body}.`;
    }
    if (fault === 'hs256') {
      // The classic confusion attack: HMAC keyed with something public (the JWKS modulus).
      const secret = new TextEncoder().encode(String(this.keys[0]!.jwk.n));
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: this.keys[0]!.kid, typ: 'JWT' })
        .setAudience(aud)
        .setIssuer(iss)
        .sign(secret);
    }
    const key = fault === 'unknown-key' ? this.stranger! : this.keys[0]!;
    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, x5t: key.kid, typ: 'JWT' })
      .setAudience(aud)
      .setIssuer(iss)
      .sign(fault === 'bad-signature' ? this.stranger!.privateKey : key.privateKey);
    return jwt;
  }

  /** Publishes a key that endorses another channel only (the token's channel is not endorsed). */
  private async endorsementMismatchToken(appId: string, serviceUrl: string): Promise<string> {
    const k = await newKey(['webchat']);
    this.keys.push(k);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 })
      .setProtectedHeader({ alg: 'RS256', kid: k.kid, typ: 'JWT' })
      .setAudience(appId)
      .setIssuer(BOT_FRAMEWORK_ISSUER)
      .sign(k.privateKey);
  }
}

async function newKey(endorsements: string[]): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = createHash('sha1').update(String(jwk.n)).digest('base64url');
  return { kid, privateKey, jwk: { ...jwk, kid, use: 'sig', x5t: kid, endorsements } as JWK };
}
