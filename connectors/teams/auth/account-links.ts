/**
 * Matrix users linking their own Microsoft account (delegated OAuth 2.0 authorization code
 * with PKCE through the bridge's `/oauth/callback` webhook). The `state` names the
 * workspace and a one-time nonce that the bridge bound, server-side, to the Matrix user who
 * asked; it expires after ten minutes. Tokens are stored AES-256-GCM encrypted and renewed
 * with the refresh token shortly before they expire.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  BridgeError,
  type AccountLinkOwner,
  type ConnectorStorage,
} from '../../../src/connector/index.js';
import { GraphApi } from '../graph.js';
import { readJson, unreachable, type Fetch } from '../http.js';
import { describeOAuthError, type OAuthErrorBody } from './app-tokens.js';
import { decryptJson, encryptJson } from './token-crypto.js';

export const DELEGATED_SCOPES = [
  'offline_access',
  'openid',
  'profile',
  ...[
    'User.Read',
    'ChannelMessage.Send',
    'ChannelMessage.ReadWrite',
    'ChatMessage.Send',
    'Chat.ReadWrite',
    'Files.ReadWrite',
  ].map((s) => `https://graph.microsoft.com/${s}`),
];

const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;
const RENEW_BEFORE_MS = 2 * 60_000;

export class LinkError extends BridgeError {}

export interface LinkedAccount {
  /** The Microsoft user's AAD object id. */
  userId: string;
  displayName: string;
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  linkedAt: number;
}

export interface AccountLinksOptions {
  workspace: string;
  tenantId: string;
  appId: string;
  secret: string;
  loginUrl: string;
  graphUrl: string;
  /** `{webhook base}/oauth/callback`, registered as a redirect URI of the app. */
  redirectUri: () => string;
  key: Buffer;
  storage: ConnectorStorage;
  doFetch: Fetch;
}

const LINK_PREFIX = 'puppet:';

/**
 * Whose link a storage key holds (`puppet:<workspace>:<Matrix user id>`; a workspace name
 * has no colon, a Matrix user id does), for the notice when retention prunes it.
 */
export function linkOwnerOf(key: string): AccountLinkOwner | undefined {
  const m = /^puppet:([^:]+):(@.+)$/.exec(key);
  return m ? { workspace: m[1] as string, matrixUserId: m[2] as string } : undefined;
}

export class AccountLinks {
  private readonly pending = new Map<
    string,
    { matrixUserId: string; verifier: string; expiresAt: number }
  >();
  private readonly cache = new Map<string, LinkedAccount | null>();
  private readonly renewing = new Map<string, Promise<LinkedAccount | undefined>>();

  constructor(private readonly o: AccountLinksOptions) {}

  private storageKey(matrixUserId: string): string {
    return `${LINK_PREFIX}${this.o.workspace}:${matrixUserId}`;
  }

  /** The URL the Matrix user opens to sign in with Microsoft and consent. */
  begin(matrixUserId: string): string {
    const now = Date.now();
    for (const [n, p] of this.pending) if (p.expiresAt < now) this.pending.delete(n);
    if (this.pending.size >= MAX_PENDING)
      throw new LinkError(
        'TEAMS_LINK_BUSY',
        'too many account links are in progress; try again in a few minutes',
      );
    const nonce = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    this.pending.set(nonce, { matrixUserId, verifier, expiresAt: now + PENDING_TTL_MS });
    const url = new URL(`${this.o.loginUrl}/${this.o.tenantId}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: this.o.appId,
      response_type: 'code',
      redirect_uri: this.o.redirectUri(),
      response_mode: 'query',
      scope: DELEGATED_SCOPES.join(' '),
      state: `${this.o.workspace}.${nonce}`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString();
    return url.toString();
  }

  /** Handles the redirect back from the sign-in; resolves to who linked what. */
  async complete(
    query: URLSearchParams,
  ): Promise<{ matrixUserId: string; account: LinkedAccount }> {
    const nonce = (query.get('state') ?? '').split('.').slice(1).join('.');
    const pending = this.pending.get(nonce);
    this.pending.delete(nonce);
    if (!pending || pending.expiresAt < Date.now()) {
      throw new LinkError(
        'TEAMS_LINK_STATE',
        'this sign-in link is unknown or expired; ask the bridge for a new one',
      );
    }
    const denied = query.get('error');
    if (denied)
      throw new LinkError('TEAMS_LINK_DENIED', `the sign-in was not completed (${denied})`);
    const code = query.get('code');
    if (!code)
      throw new LinkError('TEAMS_LINK_STATE', 'the sign-in answer carries no authorization code');
    const tokens = await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.o.redirectUri(),
      code_verifier: pending.verifier,
    });
    const me = await new GraphApi(
      this.o.graphUrl,
      this.o.doFetch,
      async () => tokens.accessToken,
    ).me();
    const account: LinkedAccount = {
      ...tokens,
      userId: me.id,
      displayName: me.displayName ?? me.id,
      linkedAt: Date.now(),
    };
    await this.save(pending.matrixUserId, account);
    return { matrixUserId: pending.matrixUserId, account };
  }

  async linked(matrixUserId: string): Promise<LinkedAccount | undefined> {
    if (!this.cache.has(matrixUserId)) {
      const key = this.storageKey(matrixUserId);
      const account = decryptJson<LinkedAccount>(this.o.key, await this.o.storage.get(key), key);
      this.cache.set(matrixUserId, account ?? null);
    }
    return this.cache.get(matrixUserId) ?? undefined;
  }

  /** A valid access token for the user's account (renewed if needed), or undefined if not linked. */
  async token(matrixUserId: string): Promise<LinkedAccount | undefined> {
    const account = await this.linked(matrixUserId);
    if (!account || account.expiresAt - RENEW_BEFORE_MS > Date.now()) return account;
    let p = this.renewing.get(matrixUserId);
    if (!p) {
      p = this.renewStored(matrixUserId).finally(() => this.renewing.delete(matrixUserId));
      this.renewing.set(matrixUserId, p);
    }
    return p;
  }

  /** The service refused the access token (revoked early): renew it on next use. */
  invalidate(matrixUserId: string): void {
    const account = this.cache.get(matrixUserId);
    if (account) this.cache.set(matrixUserId, { ...account, expiresAt: 0 });
  }

  async unlink(matrixUserId: string): Promise<boolean> {
    const had = (await this.linked(matrixUserId)) !== undefined;
    // The storage has no delete: an empty value reads as "not linked".
    await this.o.storage.set(this.storageKey(matrixUserId), '');
    this.cache.set(matrixUserId, null);
    return had;
  }

  /**
   * Renews from what is stored, not from the cache: a link removed meanwhile (unused for
   * `retention.account_links_days`, or by another process) ends here instead of being saved
   * again with the new token.
   */
  private async renewStored(matrixUserId: string): Promise<LinkedAccount | undefined> {
    this.cache.delete(matrixUserId);
    const stored = await this.linked(matrixUserId);
    return stored ? this.renew(matrixUserId, stored) : undefined;
  }

  private async renew(
    matrixUserId: string,
    account: LinkedAccount,
  ): Promise<LinkedAccount | undefined> {
    if (!account.refreshToken) {
      await this.unlink(matrixUserId);
      return undefined;
    }
    try {
      const tokens = await this.tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: account.refreshToken,
        scope: DELEGATED_SCOPES.join(' '),
      });
      const next = {
        ...account,
        ...tokens,
        refreshToken: tokens.refreshToken ?? account.refreshToken,
      };
      await this.save(matrixUserId, next);
      return next;
    } catch (err) {
      // A refused refresh token (revoked, expired, password changed) ends the link; transient errors do not.
      if (err instanceof LinkError && err.code === 'TEAMS_LINK_REFUSED') {
        await this.unlink(matrixUserId);
        return undefined;
      }
      throw err;
    }
  }

  private async save(matrixUserId: string, account: LinkedAccount): Promise<void> {
    const key = this.storageKey(matrixUserId);
    await this.o.storage.set(key, encryptJson(this.o.key, account, key));
    this.cache.set(matrixUserId, account);
  }

  private async tokenRequest(
    params: Record<string, string>,
  ): Promise<{ accessToken: string; refreshToken?: string; expiresAt: number }> {
    let res;
    try {
      res = await this.o.doFetch(`${this.o.loginUrl}/${this.o.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: this.o.appId,
          client_secret: this.o.secret,
          ...params,
        }).toString(),
      });
    } catch (err) {
      throw unreachable('The Microsoft identity platform', err);
    }
    const body = (await readJson(res)) as
      | (OAuthErrorBody & { access_token?: string; refresh_token?: string; expires_in?: number })
      | undefined;
    if (!res.ok || typeof body?.access_token !== 'string') {
      const code = body?.error === 'invalid_grant' ? 'TEAMS_LINK_REFUSED' : 'TEAMS_LINK_FAILED';
      throw new LinkError(code, `the token request was refused (${describeOAuthError(body)})`);
    }
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
    };
  }
}
