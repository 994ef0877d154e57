import { type ConnectorWorkspace, WorkspaceRegistry } from './workspace-registry.js';

/**
 * What every connector with a `workspaces:` block starts from: one workspace object per
 * configured name (see WorkspaceRegistry), all started and stopped together, and looked up by
 * name for each call of the core (an unknown name is a WORKSPACE_UNKNOWN error).
 */
export abstract class WorkspaceConnector<W extends ConnectorWorkspace> {
  protected readonly workspaces: WorkspaceRegistry<W>;

  /** `platform` is the name people know (for messages); `connectorId` the config key. */
  constructor(
    platform: string,
    connectorId: string,
    configs: Record<string, unknown>,
    make: (name: string) => W,
  ) {
    this.workspaces = new WorkspaceRegistry(platform, connectorId, configs, make);
  }

  /** Resolves once every workspace has started (each decides what that waits for). */
  start(): Promise<void> {
    return this.workspaces.startAll();
  }

  stop(): Promise<void> {
    return this.workspaces.stopAll();
  }

  protected ws(name: string): W {
    return this.workspaces.get(name);
  }
}
