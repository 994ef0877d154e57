import type { LinkedChannel } from '../connector/contract.js';
import type {
  LinkSource,
  Portal,
  PortalLink,
  PortalStore,
  RemoteChannelKey,
} from '../store/index.js';
import { sideKey } from './ids.js';

/**
 * In-memory view of portals and links over the store, for lookups on every event.
 * All changes go through here so the view never drifts from the database.
 */
export class PortalDirectory {
  private byRoom = new Map<string, Portal>();
  private byId = new Map<number, Portal>();
  private linkByChannel = new Map<string, PortalLink>();
  private linksByPortal = new Map<number, PortalLink[]>();
  /** Per connector; connectors ask on every event, so it is built once per change. */
  private linkedByConnector = new Map<string, readonly LinkedChannel[]>();

  constructor(private readonly store: PortalStore) {}

  async load(): Promise<void> {
    const [portals, links] = await Promise.all([this.store.all(), this.store.allLinks()]);
    this.byRoom = new Map(portals.map((p) => [p.roomId, p]));
    this.byId = new Map(portals.map((p) => [p.id, p]));
    this.linkByChannel = new Map(links.map((l) => [sideKey(l), l]));
    this.linkedByConnector = new Map();
    this.linksByPortal = new Map();
    for (const l of links)
      this.linksByPortal.set(l.portalId, [...(this.linksByPortal.get(l.portalId) ?? []), l]);
  }

  portalByRoom(roomId: string): Portal | undefined {
    return this.byRoom.get(roomId);
  }

  portal(id: number): Portal | undefined {
    return this.byId.get(id);
  }

  portals(): Portal[] {
    return [...this.byId.values()];
  }

  linkFor(key: RemoteChannelKey): PortalLink | undefined {
    return this.linkByChannel.get(sideKey(key));
  }

  linksOf(portalId: number): PortalLink[] {
    return this.linksByPortal.get(portalId) ?? [];
  }

  /** A connector's links (shared and frozen: callers read it, never change it). */
  linkedChannels(connector: string): LinkedChannel[] {
    let linked = this.linkedByConnector.get(connector);
    if (!linked) {
      linked = Object.freeze(
        [...this.linkByChannel.values()]
          .filter((l) => l.connector === connector)
          .map((l) =>
            Object.freeze({ workspace: l.workspace, channel: l.channel, linkedAt: l.createdAt }),
          ),
      );
      this.linkedByConnector.set(connector, linked);
    }
    return linked as LinkedChannel[];
  }

  async link(
    roomId: string,
    key: RemoteChannelKey,
    source: LinkSource,
    by?: string,
  ): Promise<PortalLink> {
    const portal = await this.store.ensurePortal(roomId);
    const link = await this.store.addLink(portal.id, key, source, by);
    await this.load();
    return link;
  }

  async unlink(key: RemoteChannelKey): Promise<boolean> {
    const removed = await this.store.removeLink(key);
    await this.load();
    return removed;
  }
}
