/**
 * One log line per connection state a connector reports, at a level an operator filtering on
 * warn still sees when it matters: refused credentials at error, a platform that cannot be
 * reached at warn, the rest at info. Each names the workspace, the config key to look at and
 * the URL the bridge tried, so the line alone says where to look.
 */
import type { Logger } from 'pino';
import type { ConnectionState } from '../connector/contract.js';

type Level = 'error' | 'warn' | 'info';

const LEVELS: Record<ConnectionState['status'], Level> = {
  bad_credentials: 'error',
  retrying: 'warn',
  connecting: 'info',
  connected: 'info',
  stopped: 'info',
};

const MESSAGES: Record<Level, string> = {
  error: 'the platform refused the bridge’s credentials',
  warn: 'cannot reach the platform; retrying',
  info: 'connection state',
};

/** Logs `state` and returns it without the log-only details (what status views show). */
export function logConnectionState(
  log: Logger,
  connectorId: string,
  workspace: string,
  state: ConnectionState,
): ConnectionState {
  const { configKey, url, ...shown } = state;
  const level = LEVELS[state.status];
  log[level](
    {
      workspace,
      status: state.status,
      reason: state.error,
      config_key: configKey ?? `connectors.${connectorId}.workspaces.${workspace}`,
      ...(url ? { url } : {}),
    },
    MESSAGES[level],
  );
  return shown;
}
