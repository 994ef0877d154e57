import type { Logger } from 'pino';
import type { Connector, ConnectorCapabilities } from '../../connector/contract.js';
import type { MatrixGateway } from '../../matrix/matrix-gateway.js';
import type { MediaProxy } from '../../matrix/media-proxy.js';
import type { Stores } from '../../store/index.js';
import type { DisplayNames } from '../display-names.js';
import type { GhostManager } from '../ghosts.js';
import type { GhostIdCodec } from '../ids.js';
import type { PortalDirectory } from '../portal-directory.js';
import { BridgeError } from '../../util/errors.js';

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

export interface BridgeLimits {
  maxFileSize: number;
  maxTextLength: number;
}

/** Everything delivery handlers need, in one place. */
export interface DeliveryDeps {
  stores: Stores;
  directory: PortalDirectory;
  gateway: MatrixGateway;
  connectors: ConnectorRegistry;
  ghosts: GhostManager;
  /** Name templates: how Matrix users are named on each platform. */
  names: DisplayNames;
  codec: GhostIdCodec;
  mediaProxy: MediaProxy;
  limits: BridgeLimits;
  log: Logger;
  /**
   * Random per database, mixed into every derived transaction id and idempotency key:
   * inbox ids restart at 1 in a new database, and the homeserver and platforms would take a
   * reused id for a retry of an old message and drop the new one.
   */
  txnSalt: string;
}
