import type { Knex } from 'knex';
import { BridgeError } from '../util/errors.js';
import { num } from './database.js';
import type { LinkSource, RemoteChannelKey } from './portal-store.js';

export interface LinkChange {
  roomId: string;
  /** The link was already there (same room): nothing changed. */
  existed: boolean;
  /** The portal row was created by this change. */
  portalCreated: boolean;
}

export interface UnlinkChange {
  roomId: string;
  source: LinkSource;
  /** The room had no other link left, so its portal (and its message map) was removed. */
  portalRemoved: boolean;
}

const keyText = (k: RemoteChannelKey): string => `${k.connector}/${k.workspace}/${k.channel}`;

/**
 * Link changes made by administrators, each in one transaction so a failure never leaves a
 * portal without links or a link half made. Callers reload the PortalDirectory afterwards.
 */
export class LinkAdminStore {
  constructor(private readonly db: Knex) {}

  /** Links `key` to the portal of `roomId` (created if needed); idempotent for the same room. */
  async link(
    roomId: string,
    key: RemoteChannelKey,
    source: LinkSource,
    createdBy: string,
    name?: string,
  ): Promise<LinkChange> {
    return this.db.transaction(async (trx) => {
      const existing = await this.linkRoom(trx, key);
      if (existing) {
        if (existing.roomId !== roomId) {
          throw new BridgeError(
            'CHANNEL_ALREADY_LINKED',
            `channel ${keyText(key)} is already linked to room ${existing.roomId}; unlink it there first`,
          );
        }
        if (name !== undefined) await trx('portals').where({ room_id: roomId }).update({ name });
        return { roomId, existed: true, portalCreated: false };
      }
      const { portalId, created } = await this.ensurePortal(trx, roomId, name);
      await trx('portal_links').insert({
        portal_id: portalId,
        ...key,
        source,
        created_by: createdBy,
        created_at: Date.now(),
      });
      return { roomId, existed: false, portalCreated: created };
    });
  }

  /** Removes the link of `key`; the portal goes too when it was its last link. */
  async unlink(key: RemoteChannelKey): Promise<UnlinkChange | undefined> {
    return this.db.transaction(async (trx) => {
      const existing = await this.linkRoom(trx, key);
      if (!existing) return undefined;
      await trx('portal_links').where(key).delete();
      const left = await trx('portal_links').where({ portal_id: existing.portalId }).first('id');
      if (!left) await trx('portals').where({ id: existing.portalId }).delete();
      return { roomId: existing.roomId, source: existing.source, portalRemoved: !left };
    });
  }

  /** Moves the link of `key` to the portal of `roomId`, keeping nothing of the old link. */
  async move(
    key: RemoteChannelKey,
    roomId: string,
    source: LinkSource,
    createdBy: string,
  ): Promise<void> {
    await this.db.transaction(async (trx) => {
      const existing = await this.linkRoom(trx, key);
      const { portalId } = await this.ensurePortal(trx, roomId);
      if (existing) {
        await trx('portal_links').where(key).update({
          portal_id: portalId,
          source,
          created_by: createdBy,
          created_at: Date.now(),
          retire_until: null,
          retired_by: null,
        });
        const left = await trx('portal_links').where({ portal_id: existing.portalId }).first('id');
        if (!left) await trx('portals').where({ id: existing.portalId }).delete();
      } else {
        await trx('portal_links').insert({
          portal_id: portalId,
          ...key,
          source,
          created_by: createdBy,
          created_at: Date.now(),
        });
      }
    });
  }

  /** Marks the link of `key` retired until `until` (epoch ms); false when it is not linked. */
  async retire(key: RemoteChannelKey, until: number, by: string): Promise<boolean> {
    const changed = await this.db('portal_links')
      .where(key)
      .update({ retire_until: until, retired_by: by });
    return Number(changed) > 0;
  }

  /** The retired links whose grace period has ended by `now`, oldest due first. */
  async retirementsDue(now: number): Promise<RemoteChannelKey[]> {
    const rows = (await this.db('portal_links')
      .whereNotNull('retire_until')
      .where('retire_until', '<=', now)
      .orderBy('retire_until')
      .select('connector', 'workspace', 'channel')) as RemoteChannelKey[];
    return rows.map(({ connector, workspace, channel }) => ({ connector, workspace, channel }));
  }

  async setSource(key: RemoteChannelKey, source: LinkSource): Promise<void> {
    await this.db('portal_links').where(key).update({ source });
  }

  async setPortalName(roomId: string, name: string): Promise<void> {
    await this.db('portals').where({ room_id: roomId }).update({ name });
  }

  private async linkRoom(
    trx: Knex.Transaction,
    key: RemoteChannelKey,
  ): Promise<{ roomId: string; portalId: number; source: LinkSource } | undefined> {
    const row = (await trx('portal_links')
      .join('portals', 'portals.id', 'portal_links.portal_id')
      .where({
        'portal_links.connector': key.connector,
        'portal_links.workspace': key.workspace,
        'portal_links.channel': key.channel,
      })
      .first('portals.room_id', 'portals.id', 'portal_links.source')) as
      { room_id: string; id: unknown; source: LinkSource } | undefined;
    return row ? { roomId: row.room_id, portalId: num(row.id), source: row.source } : undefined;
  }

  private async ensurePortal(
    trx: Knex.Transaction,
    roomId: string,
    name?: string,
  ): Promise<{ portalId: number; created: boolean }> {
    const inserted = (await trx('portals')
      .insert({ room_id: roomId, name: name ?? null, created_at: Date.now() })
      .onConflict('room_id')
      .ignore()
      .returning('id')) as Array<{ id: unknown }>;
    if (inserted[0]) return { portalId: num(inserted[0].id), created: true };
    if (name !== undefined) await trx('portals').where({ room_id: roomId }).update({ name });
    const row = (await trx('portals').where({ room_id: roomId }).first('id')) as
      { id: unknown } | undefined;
    if (!row) throw new Error(`portal for ${roomId} vanished while being linked`);
    return { portalId: num(row.id), created: false };
  }
}
