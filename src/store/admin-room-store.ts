import type { Knex } from 'knex';

/** Direct-message rooms where the bridge bot takes !commands, and who opened each. */
export class AdminRoomStore {
  private cache: Map<string, string> | undefined;

  constructor(private readonly db: Knex) {}

  /** The user who opened `roomId` as an admin room, if it is one. */
  async ownerOf(roomId: string): Promise<string | undefined> {
    if (!this.cache) {
      const rows = (await this.db('admin_rooms').select('room_id', 'user_id')) as Array<{
        room_id: string;
        user_id: string;
      }>;
      this.cache = new Map(rows.map((r) => [r.room_id, r.user_id]));
    }
    return this.cache.get(roomId);
  }

  async add(roomId: string, userId: string): Promise<void> {
    await this.db('admin_rooms')
      .insert({ room_id: roomId, user_id: userId, created_at: Date.now() })
      .onConflict('room_id')
      .merge(['user_id']);
    this.cache?.set(roomId, userId);
  }

  async remove(roomId: string): Promise<void> {
    await this.db('admin_rooms').where({ room_id: roomId }).delete();
    this.cache?.delete(roomId);
  }

  /** Reads the table again next time: rows went behind the cache's back (erasure). */
  reload(): void {
    this.cache = undefined;
  }
}
