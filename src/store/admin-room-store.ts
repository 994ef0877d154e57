import type { Knex } from 'knex';

/** Direct-message rooms where the bridge bot takes !commands, and who opened each. */
export class AdminRoomStore {
  private cache: Map<string, string> | undefined;

  constructor(private readonly db: Knex) {}

  /** The user who opened `roomId` as an admin room, if it is one. */
  async ownerOf(roomId: string): Promise<string | undefined> {
    return (await this.owners()).get(roomId);
  }

  /** Every admin room and its owner, read once and then kept in step. */
  private async owners(): Promise<Map<string, string>> {
    if (!this.cache) {
      const rows = (await this.db('admin_rooms').select('room_id', 'user_id')) as Array<{
        room_id: string;
        user_id: string;
      }>;
      this.cache = new Map(rows.map((r) => [r.room_id, r.user_id]));
    }
    return this.cache;
  }

  /** An admin room `userId` opened, if they have one. */
  async roomOf(userId: string): Promise<string | undefined> {
    for (const [roomId, owner] of await this.owners()) if (owner === userId) return roomId;
    return undefined;
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
