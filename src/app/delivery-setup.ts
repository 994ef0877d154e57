/** What the core's delivery needs, built from the config and the parts BridgeApp started. */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../config/index.js';
import type { ConnectorRegistry, DeliveryDeps } from '../core/delivery/deps.js';
import { DisplayNames } from '../core/display-names.js';
import { GhostManager } from '../core/ghosts.js';
import type { GhostIdCodec } from '../core/ids.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import { PortalMembers } from '../core/portal-members.js';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { MediaProxy } from '../matrix/media-proxy.js';
import type { Stores } from '../store/index.js';
import type { RefusalLog } from '../util/refusal-log.js';
import { createMediaGate } from './media-setup.js';

/** The signed media URLs for platforms; without a configured secret, one derived from the as_token. */
export function createMediaProxy(
  config: BridgeConfig,
  asToken: string,
  gateway: MatrixGateway,
  log: Logger,
  refusals: RefusalLog,
): MediaProxy {
  const mediaSecret =
    config.appservice.media_secret ?? createHash('sha256').update(`media:${asToken}`).digest('hex');
  return new MediaProxy(config.appservice.public_url, mediaSecret, gateway, log, refusals);
}

interface StartedParts {
  config: BridgeConfig;
  stores: Stores;
  directory: PortalDirectory;
  gateway: MatrixGateway;
  connectors: ConnectorRegistry;
  log: Logger;
}

export async function deliveryDeps(
  app: StartedParts,
  codec: GhostIdCodec,
  mediaProxy: MediaProxy,
): Promise<DeliveryDeps> {
  const { config, stores, gateway, connectors, log } = app;
  const names = new DisplayNames(config.bridge, (id) =>
    connectors.has(id) ? connectors.get(id).displayName : id,
  );
  const ghosts = new GhostManager(stores.ghosts, gateway, codec, connectors, log, names);
  const media = createMediaGate(config, stores, log);
  return {
    stores,
    directory: app.directory,
    gateway,
    connectors,
    ghosts,
    members: new PortalMembers((roomId) => gateway.joinedMembers(roomId), log),
    names,
    codec,
    mediaProxy,
    media,
    limits: {
      // Files are read up to the largest limit any media rule allows, then judged per side.
      maxFileSize: media.policy.largestLimit(),
      maxTextLength: config.bridge.max_text_length,
    },
    log,
    txnSalt: await stores.kv.databaseId(),
  };
}
