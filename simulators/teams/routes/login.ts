/**
 * Entra ID (login.microsoftonline.com) and the Bot Framework's OpenID metadata:
 * `/{tenant}/oauth2/v2.0/token` (client_credentials, authorization_code, refresh_token),
 * `/{tenant}/oauth2/v2.0/authorize` (a sign-in that `login_hint` completes at once), and
 * `/botframework/v1/.well-known/{openidconfiguration,keys}`.
 */
import { createHash } from 'node:crypto';
import { BOT_CONNECTOR_SCOPE, BOT_FRAMEWORK_ISSUER, GRAPH_SCOPE } from '../auth.js';
import type { Sim } from '../context.js';
import type { SimRequest, SimResponse } from '../http.js';
import type { SimApp, SimUser } from '../state.js';

const GRAPH_PREFIX = 'https://graph.microsoft.com/';

function oauthError(status: number, error: string, code: number, description: string): SimResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: crypto.randomUUID(),
      correlation_id: crypto.randomUUID(),
    },
  };
}

/** `ChannelMessage.Send`, `https://graph.microsoft.com/ChannelMessage.Send` → `ChannelMessage.Send`. */
function delegatedScopes(scope: string | null, app: SimApp): Set<string> {
  const out = new Set<string>();
  for (const s of (scope ?? '').split(/\s+/).filter(Boolean)) {
    const name = s.startsWith(GRAPH_PREFIX) ? s.slice(GRAPH_PREFIX.length) : s;
    if (name === '.default') for (const p of app.delegatedPermissions) out.add(p);
    else if (app.delegatedPermissions.has(name) || ['openid', 'profile', 'email'].includes(name))
      out.add(name);
  }
  return out;
}

function tokenResponse(sim: Sim, app: SimApp, user: SimUser, scopes: Set<string>): SimResponse {
  const { accessToken, expiresIn } = sim.auth.issue({
    kind: 'delegated',
    audience: 'graph',
    appId: app.appId,
    tenantId: user.tenantId,
    userId: user.id,
    scopes,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: [...scopes].map((s) => (s === 'offline_access' ? s : `${GRAPH_PREFIX}${s}`)).join(' '),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
  };
  if (scopes.has('offline_access'))
    body.refresh_token = sim.auth.issueRefresh(app.appId, user.id, user.tenantId, scopes);
  return { status: 200, body };
}

export function registerLoginRoutes(sim: Sim, redirectUris: Map<string, Set<string>>): void {
  const { front, state, auth } = sim;

  front.route('GET', '/botframework/v1/.well-known/openidconfiguration', () => ({
    status: 200,
    body: {
      issuer: BOT_FRAMEWORK_ISSUER,
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${sim.baseUrl()}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    },
  }));
  front.route('GET', '/botframework/v1/.well-known/keys', () => ({
    status: 200,
    body: auth.jwks(),
  }));

  front.route('POST', '/{tenant}/oauth2/v2.0/token', (req: SimRequest) => {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const app = state.apps.get(form.get('client_id') ?? '');
    if (!app)
      return oauthError(
        400,
        'unauthorized_client',
        700016,
        'Application not found in the directory.',
      );
    if (req.params.tenant !== app.tenantId)
      return oauthError(400, 'invalid_request', 90002, `Tenant '${req.params.tenant}' not found.`);
    if (form.get('client_secret') !== app.password) {
      return oauthError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
      );
    }
    switch (form.get('grant_type')) {
      case 'client_credentials': {
        const scope = form.get('scope');
        if (scope !== BOT_CONNECTOR_SCOPE && scope !== GRAPH_SCOPE) {
          return oauthError(
            400,
            'invalid_scope',
            1002012,
            `The provided value for scope ${scope ?? ''} is not valid.`,
          );
        }
        const graph = scope === GRAPH_SCOPE;
        const { accessToken, expiresIn } = auth.issue({
          kind: 'app',
          audience: graph ? 'graph' : 'botframework',
          appId: app.appId,
          tenantId: app.tenantId,
          scopes: graph ? new Set(app.applicationPermissions) : new Set(),
        });
        return {
          status: 200,
          body: {
            token_type: 'Bearer',
            expires_in: expiresIn,
            ext_expires_in: expiresIn,
            access_token: accessToken,
          },
        };
      }
      case 'authorization_code': {
        const code = auth.codes.get(form.get('code') ?? '');
        auth.codes.delete(form.get('code') ?? '');
        if (!code || code.appId !== app.appId || code.expiresAt < Date.now()) {
          return oauthError(
            400,
            'invalid_grant',
            70008,
            'The provided authorization code or refresh token has expired or is invalid.',
          );
        }
        if (code.redirectUri !== form.get('redirect_uri')) {
          return oauthError(
            400,
            'invalid_grant',
            50148,
            'The redirect_uri does not match the one used in the authorization request.',
          );
        }
        if (code.challenge) {
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
            return oauthError(
              400,
              'invalid_grant',
              501481,
              'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
            );
          }
        }
        return tokenResponse(sim, app, state.user(code.userId), code.scopes);
      }
      case 'refresh_token': {
        const rt = auth.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!rt || rt.appId !== app.appId) {
          return oauthError(
            400,
            'invalid_grant',
            9002313,
            'Invalid request. Request is malformed or invalid.',
          );
        }
        return tokenResponse(sim, app, state.user(rt.userId), rt.scopes);
      }
      default:
        return oauthError(
          400,
          'unsupported_grant_type',
          70003,
          'The app requested an unsupported grant type.',
        );
    }
  });

  front.route('GET', '/{tenant}/oauth2/v2.0/authorize', (req: SimRequest): SimResponse => {
    const q = req.query;
    const app = state.apps.get(q.get('client_id') ?? '');
    if (!app) return { status: 400, body: 'AADSTS700016: Application not found in the directory.' };
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUris.get(app.appId)?.has(redirectUri)) {
      return {
        status: 400,
        body: 'AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.',
      };
    }
    if (q.get('response_type') !== 'code')
      return { status: 400, body: 'AADSTS900144: response_type must be code.' };
    const hint = q.get('login_hint');
    if (!hint) {
      return {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<!doctype html><title>Sign in</title><p>Simulated sign-in: repeat the request with login_hint set to the user.',
      };
    }
    const user = [...state.users.values()].find(
      (u) => u.id === hint || u.userPrincipalName === hint,
    );
    const target = new URL(redirectUri);
    if (
      !user ||
      (req.params.tenant !== user.tenantId &&
        !['common', 'organizations'].includes(req.params.tenant!))
    ) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set(
        'error_description',
        'AADSTS50020: User account does not exist in tenant.',
      );
    } else {
      const challenge = q.get('code_challenge') ?? undefined;
      if (challenge && q.get('code_challenge_method') !== 'S256')
        return { status: 400, body: 'AADSTS501491: only S256 is supported.' };
      const scopes = delegatedScopes(q.get('scope'), app);
      target.searchParams.set(
        'code',
        auth.newCode({ appId: app.appId, userId: user.id, redirectUri, scopes, challenge }),
      );
    }
    const stateParam = q.get('state');
    if (stateParam !== null) target.searchParams.set('state', stateParam);
    return { status: 302, headers: { location: target.toString() } };
  });
}
