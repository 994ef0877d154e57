/** The CLI's client of the running bridge's provisioning API, signed in with the secret. */
import type { BridgeConfig } from '../config/index.js';
import { isErrorCode } from '../util/error-registry.js';
import { BridgeError } from '../util/errors.js';
import { text } from './admin-views.js';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The bridge's own listener, as seen from this machine. */
export function bridgeUrl(
  config: Pick<BridgeConfig, 'appservice'>,
  override: string | undefined,
): string {
  if (override) return override.replace(/\/+$/, '');
  const host = config.appservice.bind_address;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${config.appservice.port}`;
}

export class AdminApiClient {
  /**
   * @param base the API's URL, `…/_bridge/admin/v1`
   * @param actAs a Matrix user whose permissions apply instead of the secret's
   */
  constructor(
    private readonly base: string,
    private readonly secret: string,
    private readonly actAs: string | undefined,
  ) {}

  /** One request; an error answer becomes a BridgeError with the bridge's code and message. */
  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await this.send(method, path, body);
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const code = text(answer.code);
      // The bridge answers with its registry's codes; anything else is reported as ours.
      throw new BridgeError(
        isErrorCode(code) ? code : 'CLI_REQUEST_FAILED',
        `${text(answer.error) || `the bridge answered ${res.status}`}`,
      );
    }
    return { status: res.status, body: answer };
  }

  private async send(method: string, path: string, body: unknown): Promise<Response> {
    const url = new URL(`${this.base}${path}`);
    if (this.actAs) url.searchParams.set('user_id', this.actAs);
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.secret}`,
          'x-admin-path': 'cli',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new BridgeError(
        'CLI_BRIDGE_UNREACHABLE',
        `cannot reach the bridge at ${this.base} (${(err as Error).message}); is it running? (--url to change)`,
      );
    }
  }
}
