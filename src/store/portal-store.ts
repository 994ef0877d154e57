import type { Knex } from 'knex';
import { BridgeError } from '../util/errors.js';
import { num } from './database.js';

export interface RemoteChannelKey {
  connector: string;
  workspace: string;
  channel: string;
}

export type LinkSource = 'config' | 'api' | 'console' | 'command' | 'cli';

export interface PortalLink extends RemoteChannelKey {
  id: number;
  portalId: number;
  source: LinkSource;
  createdBy: string | null;
  createdAt: number;
  /** Retired: read-only for the bridge until this time (epoch ms), then unlinked. */
  retireUntil: number | null;
  retiredBy: string | null;
}

export interface Portal {
  id: number;
  roomId: string;
  name: string | null;
}

interface LinkRow {
  id: unknown;
  portal_id: unknown;
  connector: string;
  workspace: string;
  channel: string;
  source: LinkSource;
  created_by: string | null;
  created_at: unknown;
  retire_until: unknown;
  retired_by: string | null;
}

const toLink = (r: LinkRow): PortalLink => ({
  id: num(r.id),
  portalId: num(r.portal_id),
  connector: r.connector,
  workspace: r.workspace,
  channel: r.channel,
  source: r.source,
  createdBy: r.created_by,
  createdAt: num(r.created_at),
  retireUntil: r.retire_until === null || r.retire_until === undefined ? null : num(r.retire_until),
  retiredBy: r.retired_by ?? null,
});

const toPortal = (r: { id: unknown; room_id: string; name: string | null }): Portal => ({
  id: num(r.id),
  roomId: r.room_id,
  name: r.name,
});

export class PortalStore {
  constructor(private readonly db: Knex) {}

  /** Returns the portal of `roomId`, creating it if needed. */
  async ensurePortal(roomId: string, name?: string): Promise<Portal> {
    await this.db('portals')
      .insert({ room_id: roomId, name: name ?? null, created_at: Date.now() })
      .onConflict('room_id')
      .ignore();
    if (name !== undefined) await this.db('portals').where({ room_id: roomId }).update({ name });
    const portal = await this.byRoom(roomId);
    if (!portal) throw new Error(`portal for ${roomId} vanished while being created`);
    return portal;
  }

  async byRoom(roomId: string): Promise<Portal | undefined> {
    const row = await this.db('portals').where({ room_id: roomId }).first();
    return row ? toPortal(row) : undefined;
  }

  async all(): Promise<Portal[]> {
    return (await this.db('portals').orderBy('id')).map(toPortal);
  }

  /** Links a channel to a portal; a channel belongs to at most one portal. */
  async addLink(
    portalId: number,
    key: RemoteChannelKey,
    source: LinkSource,
    createdBy?: string,
  ): Promise<PortalLink> {
    const existing = await this.linkFor(key);
    if (existing) {
      if (existing.portalId === portalId) return existing;
      throw new BridgeError(
        'CHANNEL_ALREADY_LINKED',
        `channel ${key.connector}/${key.workspace}/${key.channel} is already linked to another room; unlink it there first`,
      );
    }
    await this.db('portal_links').insert({
      portal_id: portalId,
      ...key,
      source,
      created_by: createdBy ?? null,
      created_at: Date.now(),
    });
    const link = await this.linkFor(key);
    if (!link) throw new Error('link vanished while being created');
    return link;
  }

  async removeLink(key: RemoteChannelKey): Promise<boolean> {
    return (await this.db('portal_links').where(key).delete().returning('id')).length > 0;
  }

  async linkFor(key: RemoteChannelKey): Promise<PortalLink | undefined> {
    const row = await this.db('portal_links').where(key).first();
    return row ? toLink(row) : undefined;
  }

  async linksOf(portalId: number): Promise<PortalLink[]> {
    return (await this.db('portal_links').where({ portal_id: portalId }).orderBy('id')).map(toLink);
  }

  async allLinks(): Promise<PortalLink[]> {
    return (await this.db('portal_links').orderBy('id')).map(toLink);
  }
}
