import type { Connector, ConnectorCapabilities } from '../connector/contract.js';
import { BridgeError } from '../util/errors.js';

export interface RunningConnector {
  id: string;
  displayName: string;
  connector: Connector;
  capabilities: ConnectorCapabilities;
}

export class ConnectorRegistry {
  private readonly byId = new Map<string, RunningConnector>();

  add(entry: RunningConnector): void {
    this.byId.set(entry.id, entry);
  }

  get(id: string): RunningConnector {
    const entry = this.byId.get(id);
    if (!entry) {
      throw new BridgeError(
        'CONNECTOR_NOT_CONFIGURED',
        `connector "${id}" is linked to a portal but not configured; add it under connectors: in the config`,
      );
    }
    return entry;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  all(): RunningConnector[] {
    return [...this.byId.values()];
  }
}
