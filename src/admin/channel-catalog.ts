import type { ChannelVisibility, ChatInfo } from '../connector/contract.js';
import { RemoteApiError, UnsupportedError } from '../connector/errors.js';
import type { ConnectionStates } from '../core/connection-states.js';
import { traffic, type TrafficView } from '../core/traffic.js';
import type { ConnectorRegistry, RunningConnector } from '../core/delivery/deps.js';
import type { RemoteChannelKey } from '../store/index.js';
import { BridgeError, errorMessage } from '../util/errors.js';
import { AdminError } from './errors.js';

export interface WorkspaceView {
  workspace: string;
  status: string;
  error?: string;
  since?: number;
  /** Messages per minute over the last hour, and when the last one crossed. */
  traffic: TrafficView;
}

export interface ConnectorView {
  id: string;
  displayName: string;
  /** The connector can list its channels (for pickers); otherwise ids are typed in. */
  listsChannels: boolean;
  workspaces: WorkspaceView[];
}

export interface ChannelView {
  workspace: string;
  channel: string;
  name: string;
  /** Absent when the connector does not say (then treated as private). */
  visibility?: ChannelVisibility;
  /** The room this channel is linked to already, if any. */
  linkedRoomId?: string;
}

const PLATFORM_TIMEOUT_MS = 15_000;

export function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new AdminError('REMOTE_UNAVAILABLE', `${what} did not answer within 15 seconds`)),
      PLATFORM_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The connectors, their workspaces and channels, seen only through the connector contract
 * (the registry of running connectors, their config blocks and reported states).
 */
export class ChannelCatalog {
  constructor(
    private readonly connectorsRegistry: ConnectorRegistry,
    private readonly connectorConfig: Record<string, Record<string, unknown>>,
    private readonly states: ConnectionStates,
  ) {}

  displayName(connectorId: string): string {
    return this.connectorsRegistry.has(connectorId)
      ? this.connectorsRegistry.get(connectorId).displayName
      : connectorId;
  }

  connectors(): ConnectorView[] {
    return this.connectorsRegistry.all().map((c) => ({
      id: c.id,
      displayName: c.displayName,
      listsChannels: typeof c.connector.listChannels === 'function',
      workspaces: this.workspacesOf(c.id).map((workspace) => {
        const state = this.states
          .all()
          .find((s) => s.connector === c.id && s.workspace === workspace);
        const view: WorkspaceView = {
          workspace,
          status: state?.status ?? 'unknown',
          traffic: traffic().view(c.id, workspace),
        };
        if (state?.error) view.error = state.error;
        if (state) view.since = state.since;
        return view;
      }),
    }));
  }

  /** Workspaces named in the connector's config block or reported by it, sorted. */
  workspacesOf(connectorId: string): string[] {
    const names = new Set<string>();
    const block = this.connectorConfig[connectorId]?.['workspaces'];
    if (block && typeof block === 'object' && !Array.isArray(block)) {
      for (const name of Object.keys(block)) names.add(name);
    }
    for (const s of this.states.all()) if (s.connector === connectorId) names.add(s.workspace);
    return [...names].sort();
  }

  requireConnector(connectorId: string): RunningConnector {
    if (!this.connectorsRegistry.has(connectorId)) {
      const known = this.connectorsRegistry.all().map((c) => c.id);
      throw new AdminError(
        'CONNECTOR_UNKNOWN',
        `no connector "${connectorId}" is running (running: ${known.join(', ') || 'none'})`,
        { field: 'connector' },
      );
    }
    return this.connectorsRegistry.get(connectorId);
  }

  requireWorkspace(connectorId: string, workspace: string): RunningConnector {
    const conn = this.requireConnector(connectorId);
    const known = this.workspacesOf(connectorId);
    if (known.length > 0 && !known.includes(workspace)) {
      throw new AdminError(
        'WORKSPACE_UNKNOWN',
        `connector "${connectorId}" has no workspace "${workspace}" (configured: ${known.join(', ')})`,
        { field: 'workspace' },
      );
    }
    return conn;
  }

  async channels(connectorId: string, workspace: string): Promise<ChannelView[]> {
    const conn = this.requireWorkspace(connectorId, workspace);
    if (!conn.connector.listChannels) {
      throw new AdminError(
        'UNSUPPORTED',
        `${conn.displayName} cannot list its channels; give the channel id instead`,
      );
    }
    try {
      const list = await withTimeout(
        conn.connector.listChannels(workspace),
        `${conn.displayName} (${workspace})`,
      );
      return list
        .map((c) => {
          const view: ChannelView = { workspace: c.workspace, channel: c.channel, name: c.name };
          if (c.visibility) view.visibility = c.visibility;
          return view;
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      throw this.platformError(conn, { connector: connectorId, workspace, channel: '' }, err);
    }
  }

  /** The channel's info, proving it exists and the bot can read it. */
  async chatInfo(key: RemoteChannelKey): Promise<ChatInfo> {
    const conn = this.requireWorkspace(key.connector, key.workspace);
    try {
      return await withTimeout(
        conn.connector.getChatInfo({ workspace: key.workspace, channel: key.channel }),
        `${conn.displayName} (${key.workspace})`,
      );
    } catch (err) {
      throw this.platformError(conn, key, err);
    }
  }

  private platformError(conn: RunningConnector, key: RemoteChannelKey, err: unknown): AdminError {
    if (err instanceof AdminError) return err;
    const where = `${conn.displayName} workspace "${key.workspace}"`;
    if (err instanceof UnsupportedError) {
      return new AdminError('UNSUPPORTED', err.message, {}, { cause: err });
    }
    if (err instanceof RemoteApiError && !err.retryable) {
      return key.channel
        ? new AdminError(
            'CHANNEL_UNREACHABLE',
            `channel "${key.channel}" was not found on ${where}, or the bridge's bot cannot read it ` +
              `(add the bot to the channel); the platform said: ${err.message}`,
            { field: 'channel' },
            { cause: err },
          )
        : new AdminError('REMOTE_UNAVAILABLE', `${where}: ${err.message}`, {}, { cause: err });
    }
    if (err instanceof BridgeError && err.code === 'WORKSPACE_UNKNOWN') {
      return new AdminError('WORKSPACE_UNKNOWN', err.message, { field: 'workspace' });
    }
    return new AdminError(
      'REMOTE_UNAVAILABLE',
      `${where} could not be asked: ${errorMessage(err)}`,
      {},
      { cause: err },
    );
  }
}
