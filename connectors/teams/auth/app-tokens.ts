/**
 * App-only access tokens (OAuth client credentials) for the Bot Connector and for Graph,
 * cached until shortly before they expire, one request at a time per scope. A refused
 * app id, secret or tenant is a BadCredentialsError, which the workspace reports as
 * `bad_credentials`; anything else is a (retryable) RemoteApiError.
 */
import { BridgeError, parseRetryAfter, RemoteApiError } from '../../../src/connector/index.js';
import { readJson, unreachable, type Fetch } from '../http.js';

export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

const EARLY_RENEW_MS = 5 * 60_000;

export class BadCredentialsError extends BridgeError {
  constructor(message: string) {
    super('TEAMS_BAD_CREDENTIALS', message);
  }
}

export interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

/** `AADSTS7000215: Invalid client secret provided. …` → `AADSTS7000215` plus the first sentence. */
export function describeOAuthError(body: OAuthErrorBody | undefined): string {
  const first = (body?.error_description ?? '').split(/\r?\n/)[0]!.split('. ')[0]!.slice(0, 200);
  return [body?.error, first].filter(Boolean).join(': ');
}

export class AppTokens {
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly tokenUrl: string,
    private readonly appId: string,
    private readonly secret: string,
    private readonly doFetch: Fetch,
    private readonly configPath: string,
  ) {}

  async get(scope: string): Promise<string> {
    const hit = this.cache.get(scope);
    if (hit && hit.expiresAt - EARLY_RENEW_MS > Date.now()) return hit.token;
    let p = this.pending.get(scope);
    if (!p) {
      p = this.request(scope).finally(() => this.pending.delete(scope));
      this.pending.set(scope, p);
    }
    return p;
  }

  /** Drops a cached token the service refused (e.g. revoked); the next get() asks again. */
  invalidate(scope: string): void {
    this.cache.delete(scope);
  }

  private async request(scope: string): Promise<string> {
    let res;
    try {
      res = await this.doFetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.appId,
          client_secret: this.secret,
          scope,
        }).toString(),
      });
    } catch (err) {
      throw unreachable('The Microsoft identity platform', err);
    }
    const body = (await readJson(res)) as
      (OAuthErrorBody & { access_token?: string; expires_in?: number }) | undefined;
    if (res.ok && typeof body?.access_token === 'string') {
      const expiresIn = Number(body.expires_in ?? 3600);
      this.cache.set(scope, { token: body.access_token, expiresAt: Date.now() + expiresIn * 1000 });
      return body.access_token;
    }
    const refused = ['invalid_client', 'unauthorized_client', 'invalid_request'].includes(
      body?.error ?? '',
    );
    if (refused && (res.status === 400 || res.status === 401)) {
      throw new BadCredentialsError(
        `the app credentials were refused (${describeOAuthError(body)}): check ${this.configPath}.app_id, app_password and tenant_id`,
      );
    }
    throw RemoteApiError.fromStatus(
      res.status,
      `token request answered ${res.status} (${describeOAuthError(body)})`,
      parseRetryAfter(res.headers.get('retry-after')),
    );
  }
}
