import type { Knex } from 'knex';
import { num } from './database.js';

export interface GhostRecord {
  userId: string;
  connector: string;
  workspace: string;
  remoteUserId: string;
  displayName: string | null;
  avatarId: string | null;
  avatarMxc: string | null;
  profileSyncedAt: number | null;
}

type Row = {
  user_id: string;
  connector: string;
  workspace: string;
  remote_user_id: string;
  display_name: string | null;
  avatar_id: string | null;
  avatar_mxc: string | null;
  profile_synced_at: unknown;
};

const toGhost = (r: Row): GhostRecord => ({
  userId: r.user_id,
  connector: r.connector,
  workspace: r.workspace,
  remoteUserId: r.remote_user_id,
  displayName: r.display_name,
  avatarId: r.avatar_id,
  avatarMxc: r.avatar_mxc,
  profileSyncedAt: r.profile_synced_at === null ? null : num(r.profile_synced_at),
});

export class GhostStore {
  constructor(private readonly db: Knex) {}

  async get(userId: string): Promise<GhostRecord | undefined> {
    const row = await this.db('ghosts').where({ user_id: userId }).first();
    return row ? toGhost(row) : undefined;
  }

  async upsert(g: GhostRecord): Promise<void> {
    await this.db('ghosts')
      .insert({
        user_id: g.userId,
        connector: g.connector,
        workspace: g.workspace,
        remote_user_id: g.remoteUserId,
        display_name: g.displayName,
        avatar_id: g.avatarId,
        avatar_mxc: g.avatarMxc,
        profile_synced_at: g.profileSyncedAt,
      })
      .onConflict('user_id')
      .merge();
  }
}
