/**
 * The state a connector reports when a workspace cannot connect, with what the operator needs
 * to act on the core's log line: the full config key to check (the credential when the
 * platform refused it, the address otherwise) and the URL the bridge tried.
 */
import type { ConnectionState } from './contract.js';

export interface ConnectionProblem {
  /** The platform refused the credentials (401/403 or its own "invalid auth"). */
  authFailed: boolean;
  /** What went wrong, for operators; never a token. */
  reason: string;
  /** The workspace key(s) holding the credentials, e.g. `token` or `user_id and token`. */
  credentialKeys: string;
  /** The workspace key of the address, e.g. `url`; a key from `connectors.` on is taken whole. */
  urlKey: string;
  /** The address the bridge tried. */
  url: string;
}

/** `bad_credentials` or `retrying`, naming `connectors.<id>.workspaces.<workspace>.<key>`. */
export function connectionProblem(
  connectorId: string,
  workspace: string,
  p: ConnectionProblem,
): ConnectionState {
  const block = `connectors.${connectorId}.workspaces.${workspace}`;
  const keys = p.authFailed ? p.credentialKeys : p.urlKey;
  return {
    status: p.authFailed ? 'bad_credentials' : 'retrying',
    error: p.reason,
    configKey: keys
      .split(' and ')
      .map((k) => (k.startsWith('connectors.') ? k : `${block}.${k}`))
      .join(' and '),
    url: p.url,
  };
}
