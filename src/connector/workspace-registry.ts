import { BridgeError } from '../util/errors.js';

/** What a connector runs per configured workspace (server, team, tenant). */
export interface ConnectorWorkspace {
  /** What it resolves to (a start result, say) is the connector's own business. */
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * A connector's workspaces by name, built from its `workspaces:` config block. A name that is
 * not configured (a link made before the config changed, say) is a WORKSPACE_UNKNOWN error
 * that names the config key to add it under.
 */
export class WorkspaceRegistry<W extends ConnectorWorkspace> {
  private readonly byName = new Map<string, W>();

  /** `platform` is the name people know (for messages); `connectorId` the config key. */
  constructor(
    private readonly platform: string,
    private readonly connectorId: string,
    configs: Record<string, unknown>,
    make: (name: string) => W,
  ) {
    for (const name of Object.keys(configs)) this.byName.set(name, make(name));
  }

  get(name: string): W {
    const ws = this.byName.get(name);
    if (!ws) {
      throw new BridgeError(
        'WORKSPACE_UNKNOWN',
        `${this.platform} workspace "${name}" is not configured under connectors.${this.connectorId}.workspaces`,
      );
    }
    return ws;
  }

  all(): W[] {
    return [...this.byName.values()];
  }

  async startAll(): Promise<void> {
    await Promise.all(this.all().map((w) => w.start()));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((w) => w.stop()));
  }
}
