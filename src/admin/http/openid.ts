import { errorMessage } from '../../util/errors.js';
import { AdminError } from '../errors.js';

const TIMEOUT_MS = 10_000;
const SERVER_NAME = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$/;

export interface OpenIdOptions {
  /** The bridge's own homeserver: its name and where it serves the OpenID userinfo API. */
  homeserverDomain: string;
  homeserverUrl: string;
  /** Other servers whose users may sign in (named in `permissions`). */
  otherServers: ReadonlySet<string>;
  fetch?: typeof fetch;
}

async function fetchJson(
  doFetch: typeof fetch,
  url: string,
): Promise<{ status: number; body: unknown }> {
  const res = await doFetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/**
 * Proves who holds a Matrix OpenID token by asking the user's homeserver
 * (`GET /_matrix/federation/v1/openid/userinfo`). The answer is trusted only for user ids
 * of that server, so a server cannot vouch for another server's users.
 */
export class OpenIdVerifier {
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: OpenIdOptions) {
    this.doFetch = opts.fetch ?? fetch;
  }

  async verify(token: string, serverName = this.opts.homeserverDomain): Promise<string> {
    const server = serverName.toLowerCase();
    if (!SERVER_NAME.test(server)) {
      throw new AdminError('INVALID_REQUEST', 'matrix_server_name is not a server name', {
        field: 'matrix_server_name',
      });
    }
    const own = server === this.opts.homeserverDomain.toLowerCase();
    if (!own && !this.opts.otherServers.has(server)) {
      throw new AdminError(
        'BAD_TOKEN',
        `users of ${server} may not sign in here (the server is not named in permissions)`,
      );
    }
    const base = own ? this.opts.homeserverUrl : await this.federationBase(server);
    const url = `${base}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token)}`;
    let answer;
    try {
      answer = await fetchJson(this.doFetch, url);
    } catch (err) {
      throw new AdminError(
        'REMOTE_UNAVAILABLE',
        `cannot reach ${server} to check the OpenID token: ${errorMessage(err)}`,
      );
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new AdminError('BAD_TOKEN', 'the OpenID token is unknown or expired');
    }
    if (answer.status === 404) {
      throw new AdminError(
        'REMOTE_UNAVAILABLE',
        `${server} does not serve the OpenID userinfo API at ${base} ` +
          `(Synapse: add the "openid" resource to a listener, or set admin.provisioning.openid_url)`,
      );
    }
    const sub = (answer.body as { sub?: unknown } | undefined)?.sub;
    if (answer.status !== 200 || typeof sub !== 'string') {
      throw new AdminError(
        'REMOTE_UNAVAILABLE',
        `${server} answered ${answer.status} for the OpenID check`,
      );
    }
    if (!sub.startsWith('@') || !sub.toLowerCase().endsWith(`:${server}`)) {
      throw new AdminError('BAD_TOKEN', `${server} vouched for ${sub}, a user of another server`);
    }
    return sub;
  }

  /** Server discovery, reduced: `.well-known/matrix/server`, else the name on port 8448. */
  private async federationBase(server: string): Promise<string> {
    try {
      const known = await fetchJson(this.doFetch, `https://${server}/.well-known/matrix/server`);
      const delegated = (known.body as { 'm.server'?: unknown } | undefined)?.['m.server'];
      if (known.status === 200 && typeof delegated === 'string' && SERVER_NAME.test(delegated)) {
        return `https://${/:\d+$/.test(delegated) ? delegated : `${delegated}:8448`}`;
      }
    } catch {
      // no delegation
    }
    return `https://${/:\d+$/.test(server) ? server : `${server}:8448`}`;
  }
}
