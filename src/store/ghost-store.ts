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

  /**
   * Forgets the names and avatars of ghosts whose profile was last copied before `before`
   * (ms): a ghost in use is re-copied daily, so these were not seen since. The row (the id)
   * stays; the next time the ghost is used its profile is copied again. Resolves to how many.
   */
  async clearStaleProfiles(before: number): Promise<number> {
    const cleared = await this.db('ghosts')
      .where('profile_synced_at', '<', before)
      .update({ display_name: null, avatar_id: null, avatar_mxc: null, profile_synced_at: null })
      .returning('user_id');
    return cleared.length;
  }
}
