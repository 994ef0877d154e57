import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { clientCredentials, simWorld, trustingFetch, type SimWorld } from './helpers.js';

const BF = 'https://api.botframework.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
let w: SimWorld | undefined;

afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('Entra ID token service', () => {
  it('issues client-credentials tokens for Bot Connector and Graph, refusing bad secrets and scopes', async () => {
    w = await simWorld();
    const ok = await clientCredentials(w.sim, w.tenant, w.app.appId, w.app.password, BF);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof ok.body.access_token).toBe('string');
    expect(
      (await clientCredentials(w.sim, w.tenant, w.app.appId, w.app.password, GRAPH)).status,
    ).toBe(200);

    const bad = await clientCredentials(w.sim, w.tenant, w.app.appId, 'wrong', BF);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
    expect(String(bad.body.error_description)).toMatch(/^AADSTS7000215/);
    const unknown = await clientCredentials(
      w.sim,
      w.tenant,
      '00000000-0000-0000-0000-000000000000',
      'x',
      BF,
    );
    expect(unknown.body.error).toBe('unauthorized_client');
    const tenant = await clientCredentials(w.sim, 'other-tenant', w.app.appId, w.app.password, BF);
    expect(tenant.body.error).toBe('invalid_request');
    const scope = await clientCredentials(
      w.sim,
      w.tenant,
      w.app.appId,
      w.app.password,
      'https://example.org/.default',
    );
    expect(scope.body.error).toBe('invalid_scope');
  });

  it('runs the authorization-code flow with PKCE and refresh tokens for registered redirect URIs', async () => {
    w = await simWorld();
    const doFetch = trustingFetch(w.sim);
    const redirect = 'http://127.0.0.1:9/_bridge/webhooks/teams/oauth/callback';
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${w.sim.url}/${w.tenant}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: w.app.appId,
      response_type: 'code',
      redirect_uri: redirect,
      scope: 'offline_access https://graph.microsoft.com/ChannelMessage.Send',
      state: 'opaque-state',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: w.alice.id,
    }))
      authorize.searchParams.set(k, v);

    const unregistered = await doFetch(authorize, { redirect: 'manual' });
    expect(unregistered.status).toBe(400);
    expect(await unregistered.text()).toMatch(/AADSTS50011/);

    w.sim.control.registerRedirectUri(w.app.appId, redirect);
    const res = await doFetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(redirect);
    expect(back.searchParams.get('state')).toBe('opaque-state');
    const code = back.searchParams.get('code')!;

    const redeem = (extra: Record<string, string>) =>
      doFetch(`${w!.sim.url}/${w!.tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: w!.app.appId,
          client_secret: w!.app.password,
          redirect_uri: redirect,
          ...extra,
        }).toString(),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Record<string, string>,
      }));

    const wrongVerifier = await redeem({
      grant_type: 'authorization_code',
      code,
      code_verifier: 'nope',
    });
    expect(wrongVerifier.body.error).toBe('invalid_grant');
    // A code is single-use: the failed attempt consumed it, as Entra ID does.
    const again = await redeem({ grant_type: 'authorization_code', code, code_verifier: verifier });
    expect(again.body.error).toBe('invalid_grant');

    const res2 = await doFetch(authorize, { redirect: 'manual' });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const tokens = await redeem({
      grant_type: 'authorization_code',
      code: code2,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toContain('https://graph.microsoft.com/ChannelMessage.Send');
    expect(tokens.body.refresh_token).toMatch(/^rt\./);

    const refreshed = await redeem({
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(tokens.body.access_token);
    const me = await doFetch(`${w.sim.graphUrl}/me`, {
      headers: { authorization: `Bearer ${refreshed.body.access_token}` },
    });
    expect(((await me.json()) as { id: string }).id).toBe(w.alice.id);
  });
});

describe('Bot Framework channel security', () => {
  it('serves OpenID metadata and a JWKS whose keys verify the activities it signs', async () => {
    w = await simWorld();
    const doFetch = trustingFetch(w.sim);
    const meta = (await (await doFetch(w.sim.openIdMetadataUrl)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer: 'https://api.botframework.com',
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = (await (await doFetch(String(meta.jwks_uri))).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', endorsements: ['msteams'] });

    w.sim.control.installBot(w.app.appId, w.teamId);
    w.sim.control.post(w.alice.id, w.channelId, 'hello');
    const got = await w.bot.next((a) => a.type === 'message');
    const jwt = String(got.headers.authorization).replace(/^Bearer /, '');
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256');
    const keys = createRemoteJWKSet(new URL(String(meta.jwks_uri)), {
      [customFetch]: doFetch as never,
    });
    const { payload } = await jwtVerify(jwt, keys, {
      issuer: 'https://api.botframework.com',
      audience: w.app.appId,
      algorithms: ['RS256'],
    });
    expect(payload.serviceurl).toBe(got.body.serviceUrl);
    expect(got.body.serviceUrl).toBe(w.sim.serviceUrl);
  });

  it('forges each kind of broken token on request', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    const id = w.sim.control.post(w.alice.id, w.channelId, 'forged');
    await w.bot.next((a) => a.id === id);
    const headerOf = async (fault: Parameters<SimWorld['sim']['deliverForged']>[2]) => {
      const before = w!.bot.received.length;
      expect(await w!.sim.deliverForged(w!.app.appId, id, fault)).toBe(200);
      return w!.bot.received[before]!.headers.authorization;
    };
    expect(await headerOf('missing')).toBeUndefined();
    const parts = (h: string | undefined) =>
      String(h)
        .replace(/^Bearer /, '')
        .split('.');
    const claims = (h: string | undefined) =>
      JSON.parse(Buffer.from(parts(h)[1]!, 'base64url').toString()) as Record<string, unknown>;
    const head = (h: string | undefined) =>
      JSON.parse(Buffer.from(parts(h)[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims(await headerOf('expired')).exp as number).toBeLessThan(Date.now() / 1000);
    expect(claims(await headerOf('wrong-audience')).aud).not.toBe(w.app.appId);
    expect(claims(await headerOf('wrong-issuer')).iss).not.toBe('https://api.botframework.com');
    expect(claims(await headerOf('wrong-service-url')).serviceurl).toBe('https://evil.example/');
    expect(head(await headerOf('alg-none')).alg).toBe('none');
    expect(head(await headerOf('hs256')).alg).toBe('HS256');
    const known = head(await headerOf(undefined)).kid;
    expect(head(await headerOf('unknown-key')).kid).not.toBe(known);
  });
});
