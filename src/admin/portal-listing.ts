import type { Logger } from 'pino';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { EncryptionStore } from '../store/encryption-store.js';
import type { RemoteChannelKey } from '../store/index.js';
import type { PortalLink } from '../store/portal-store.js';
import { errorMessage } from '../util/errors.js';
import type { ChannelCatalog } from './channel-catalog.js';
import { channelOfKey, keyOfChannel, NameCache } from './display-names.js';
import type { AdminMatrix } from './matrix-rooms.js';
import type { PermissionScope } from './permission-scope.js';

export interface PortalView {
  roomId: string;
  name: string | null;
  /** The Matrix room's own name as the bridge bot reads it (cached), null when unknown. */
  roomName: string | null;
  links: Array<
    RemoteChannelKey & {
      source: string;
      createdBy: string | null;
      createdAt: number;
      /** Retired: read-only until then (ms since the epoch), then unlinked; null otherwise. */
      retireUntil: number | null;
      /** The channel's name on its platform (cached), null when unknown. */
      channelName: string | null;
    }
  >;
  /** When the room turned end-to-end encrypted (messages from Matrix no longer cross). */
  encryptedAt: number | null;
}

export interface PortalListingDeps {
  directory: PortalDirectory;
  encryption: Pick<EncryptionStore, 'all'>;
  matrix: AdminMatrix;
  catalog: ChannelCatalog;
  log: Logger;
}

/**
 * The portals as operators see them: with the Matrix room's and the channels' names (cached,
 * so a console refreshing every few seconds costs no request per row), and within a scope
 * only the links it covers (portals with none are left out).
 */
export class PortalListing {
  private readonly roomNames: NameCache;
  private readonly channelNames: NameCache;

  constructor(private readonly deps: PortalListingDeps) {
    const nameFailed = (what: string) => (key: string, err: unknown) =>
      deps.log.debug({ key, err: errorMessage(err) }, `${what} name unknown, showing its id`);
    this.roomNames = new NameCache(
      (roomId) => deps.matrix.roomName(roomId),
      Date.now,
      undefined,
      nameFailed('room'),
    );
    this.channelNames = new NameCache(
      async (k) => (await deps.catalog.chatInfo(channelOfKey(k))).name,
      Date.now,
      undefined,
      nameFailed('channel'),
    );
  }

  async list(scope: PermissionScope | undefined): Promise<PortalView[]> {
    const { directory } = this.deps;
    const encrypted = await this.deps.encryption.all();
    const portals = directory.portals();
    const inScope = (l: PortalLink): boolean => !scope || scope.includes(l.connector, l.workspace);
    const links = new Map(portals.map((p) => [p.id, directory.linksOf(p.id).filter(inScope)]));
    const shown = scope ? portals.filter((p) => (links.get(p.id) ?? []).length > 0) : portals;
    const [roomNames, channelNames] = await Promise.all([
      this.roomNames.names(shown.map((p) => p.roomId)),
      this.channelNames.names([...links.values()].flat().map(keyOfChannel)),
    ]);
    return shown.map((p) => ({
      roomId: p.roomId,
      name: p.name,
      roomName: roomNames.get(p.roomId) ?? null,
      links: (links.get(p.id) ?? []).map((l) => ({
        connector: l.connector,
        workspace: l.workspace,
        channel: l.channel,
        source: l.source,
        createdBy: l.createdBy,
        createdAt: l.createdAt,
        retireUntil: l.retireUntil,
        channelName: channelNames.get(keyOfChannel(l)) ?? null,
      })),
      encryptedAt: encrypted.get(p.id)?.at ?? null,
    }));
  }
}
