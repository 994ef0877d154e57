import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivityTokenVerifier, JwtRejected } from '../../../connectors/teams/auth/activity-jwt.js';
import type { Fetch } from '../../../connectors/teams/http.js';

const APP = '11111111-2222-3333-4444-555555555555';
const ISSUER = 'https://api.botframework.com';
const SERVICE = 'https://smba.trafficmanager.net/amer/';
const META = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
const JWKS = 'https://login.botframework.com/v1/.well-known/keys';

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };
let k1: Key;
let k2: Key;
let stranger: Key;

async function key(kid: string, endorsements = ['msteams']): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', endorsements } as JWK,
  };
}

/** Serves the metadata and a mutable JWKS; counts JWKS downloads. */
function fakeFetch(published: () => JWK[]) {
  const calls = { jwks: 0 };
  const f: Fetch = async (url) => {
    const u = String(url);
    const body =
      u === META
        ? { issuer: ISSUER, jwks_uri: JWKS }
        : u === JWKS
          ? (calls.jwks++, { keys: published() })
          : undefined;
    return new Response(JSON.stringify(body ?? {}), { status: body ? 200 : 404 }) as never;
  };
  return { f, calls };
}

async function sign(
  k: Key,
  o: {
    aud?: string;
    iss?: string;
    exp?: number;
    nbf?: number;
    serviceurl?: string | null;
    alg?: string;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { nbf: o.nbf ?? now - 60, exp: o.exp ?? now + 3600 };
  if (o.serviceurl !== null) claims.serviceurl = o.serviceurl ?? SERVICE;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: k.kid })
    .setAudience(o.aud ?? APP)
    .setIssuer(o.iss ?? ISSUER)
    .sign(k.privateKey);
}

const activity = { serviceUrl: SERVICE, channelId: 'msteams' };

async function reason(
  v: ActivityTokenVerifier,
  header: string | undefined,
  a = activity,
): Promise<string> {
  try {
    await v.verify(header, a);
  } catch (err) {
    expect(err).toBeInstanceOf(JwtRejected);
    return (err as JwtRejected).reason;
  }
  throw new Error('token was accepted');
}

beforeAll(async () => {
  [k1, k2, stranger] = await Promise.all([key('k1'), key('k2'), key('k1')]);
});

describe('activity token verification', () => {
  const verifier = (keys: () => JWK[], cooldown = 0) => {
    const { f, calls } = fakeFetch(keys);
    return {
      v: new ActivityTokenVerifier({
        metadataUrl: META,
        issuer: ISSUER,
        audiences: [APP],
        fetch: f,
        refreshCooldownMs: cooldown,
      }),
      calls,
    };
  };

  it('accepts a valid token and tells which app it was for; a trailing slash difference in serviceUrl is fine', async () => {
    const { v } = verifier(() => [k1.jwk]);
    expect(await v.verify(`Bearer ${await sign(k1)}`, activity)).toEqual({ appId: APP });
    expect(
      await v.verify(`Bearer ${await sign(k1, { serviceurl: SERVICE.slice(0, -1) })}`, activity),
    ).toEqual({ appId: APP });
  });

  it('rejects missing, malformed, expired, not-yet-valid, wrong audience and wrong issuer tokens', async () => {
    const { v } = verifier(() => [k1.jwk]);
    const now = Math.floor(Date.now() / 1000);
    expect(await reason(v, undefined)).toBe('no Authorization header');
    expect(await reason(v, 'Basic abc')).toBe('not a bearer JWT');
    expect(await reason(v, 'Bearer a.b.c')).toBe('malformed token header');
    expect(await reason(v, `Bearer ${await sign(k1, { exp: now - 3600 })}`)).toBe('expired');
    // Inside the allowed clock skew an expired token still passes.
    expect(await v.verify(`Bearer ${await sign(k1, { exp: now - 30 })}`, activity)).toEqual({
      appId: APP,
    });
    expect(await reason(v, `Bearer ${await sign(k1, { nbf: now + 3600 })}`)).toMatch(/nbf/);
    expect(await reason(v, `Bearer ${await sign(k1, { aud: 'someone-else' })}`)).toMatch(
      /claim aud/,
    );
    expect(
      await reason(v, `Bearer ${await sign(k1, { iss: 'https://sts.windows.net/x/' })}`),
    ).toMatch(/claim iss/);
  });

  it('rejects a token whose serviceurl claim is missing or differs from the activity', async () => {
    const { v } = verifier(() => [k1.jwk]);
    expect(
      await reason(v, `Bearer ${await sign(k1, { serviceurl: 'https://evil.example/' })}`),
    ).toMatch(/serviceurl/);
    expect(await reason(v, `Bearer ${await sign(k1, { serviceurl: null })}`)).toMatch(/serviceurl/);
    expect(
      await reason(v, `Bearer ${await sign(k1)}`, {
        ...activity,
        serviceUrl: 'https://evil.example/',
      }),
    ).toMatch(/serviceurl/);
  });

  it('rejects alg none, HS256 keyed with public material, and signatures from unknown or other keys', async () => {
    const { v } = verifier(() => [k1.jwk]);
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { aud: APP, iss: ISSUER, exp: now + 3600, serviceurl: SERVICE };
    expect(await reason(v, `Bearer ${b64({ alg: 'none', kid: 'k1' })}.${b64(claims)}.`)).toBe(
      'algorithm none is not RS256',
    );
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(String(k1.jwk.n)));
    expect(await reason(v, `Bearer ${hs}`)).toBe('algorithm HS256 is not RS256');
    expect(await reason(v, `Bearer ${await sign(k2)}`)).toBe('unknown signing key');
    // Same kid, different private key: the signature does not verify.
    expect(await reason(v, `Bearer ${await sign(stranger)}`)).toBe('bad signature');
  });

  it('rejects a key that does not endorse the channel', async () => {
    const webchat = await key('w1', ['webchat']);
    const { v } = verifier(() => [webchat.jwk]);
    expect(await reason(v, `Bearer ${await sign(webchat)}`)).toMatch(/endorse/);
  });

  it('caches keys, and refreshes once for an unknown kid (rotation), within a cooldown', async () => {
    let keys = [k1.jwk];
    const { v, calls } = verifier(() => keys, 60_000);
    await v.verify(`Bearer ${await sign(k1)}`, activity);
    await v.verify(`Bearer ${await sign(k1)}`, activity);
    expect(calls.jwks).toBe(1);
    const fresh = verifier(() => keys, 0);
    await fresh.v.verify(`Bearer ${await sign(k1)}`, activity);
    keys = [k2.jwk, k1.jwk];
    expect(await fresh.v.verify(`Bearer ${await sign(k2)}`, activity)).toEqual({ appId: APP });
    expect(fresh.calls.jwks).toBe(2);
    // Within the cooldown an unknown kid does not trigger downloads (no amplification).
    expect(await reason(v, `Bearer ${await sign(k2)}`)).toBe('unknown signing key');
    expect(await reason(v, `Bearer ${await sign(k2)}`)).toBe('unknown signing key');
    expect(calls.jwks).toBe(1);
  });
});
