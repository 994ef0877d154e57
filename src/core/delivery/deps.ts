import type { Logger } from 'pino';
import type { MatrixGateway } from '../../matrix/matrix-gateway.js';
import type { MediaProxy } from '../../matrix/media-proxy.js';
import type { Stores } from '../../store/index.js';
import type { DisplayNames } from '../display-names.js';
import type { GhostManager } from '../ghosts.js';
import type { GhostIdCodec } from '../ids.js';
import type { PortalDirectory } from '../portal-directory.js';
import type { ConnectorRegistry } from '../connector-registry.js';
import type { MediaGate } from './media-gate.js';
import type { PortalMembers } from '../portal-members.js';

// Kept importable from here: most of delivery reaches the registry through its deps.
export { ConnectorRegistry, type RunningConnector } from '../connector-registry.js';

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
  /** Portal rooms' members, for `@names` in platform messages. */
  members: PortalMembers;
  /** Name templates: how Matrix users are named on each platform. */
  names: DisplayNames;
  codec: GhostIdCodec;
  mediaProxy: MediaProxy;
  limits: BridgeLimits;
  /** The media policy: which files may cross, by size, type and virus scan. */
  media: MediaGate;
  log: Logger;
  /**
   * Random per database, mixed into every derived transaction id and idempotency key:
   * inbox ids restart at 1 in a new database, and the homeserver and platforms would take a
   * reused id for a retry of an old message and drop the new one.
   */
  txnSalt: string;
}
