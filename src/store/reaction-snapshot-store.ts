import type { Knex } from 'knex';
import type { ChannelRef } from '../connector/events.js';
import type { KnownReaction, ReactionMemory } from '../connector/reaction-snapshots.js';
import { num } from './database.js';

type Row = {
  message_id: string;
  sender: string;
  reaction: string;
  generation: unknown;
  present: unknown;
};

const toKnown = (r: Row): KnownReaction => ({
  user: r.sender,
  reaction: r.reaction,
  generation: num(r.generation),
  present: r.present === true || r.present === 1 || r.present === 't',
});

/** Message ids per query: well under both backends' limit on bound parameters. */
const BATCH = 500;

const KEY = ['connector', 'workspace', 'channel', 'message_id', 'sender', 'reaction'];

/**
 * The reactions each connector has passed on, per platform message (`reaction_snapshots`):
 * the memory a snapshot of a message's reactions is compared with.
 */
export class ReactionSnapshotStore {
  constructor(private readonly db: Knex) {}

  forConnector(connector: string): ReactionMemory {
    return {
      load: async (ref, messageId) =>
        (await this.loadMany(connector, ref, [messageId])).get(messageId) ?? [],
      loadMany: (ref, messageIds) => this.loadMany(connector, ref, messageIds),
      save: (ref, messageId, reactions) => this.save(connector, ref, messageId, reactions),
    };
  }

  private async loadMany(
    connector: string,
    ref: ChannelRef,
    messageIds: readonly string[],
  ): Promise<Map<string, KnownReaction[]>> {
    const out = new Map<string, KnownReaction[]>(messageIds.map((id) => [id, []]));
    for (let i = 0; i < messageIds.length; i += BATCH) {
      const rows = (await this.db('reaction_snapshots')
        .where({ connector, workspace: ref.workspace, channel: ref.channel })
        .whereIn('message_id', messageIds.slice(i, i + BATCH))
        .select('message_id', 'sender', 'reaction', 'generation', 'present')) as Row[];
      for (const r of rows) out.get(r.message_id)?.push(toKnown(r));
    }
    return out;
  }

  private async save(
    connector: string,
    ref: ChannelRef,
    messageId: string,
    reactions: KnownReaction[],
  ): Promise<void> {
    if (reactions.length === 0) return;
    const now = Date.now();
    const rows = reactions.map((r) => ({
      connector,
      workspace: ref.workspace,
      channel: ref.channel,
      message_id: messageId,
      sender: r.user,
      reaction: r.reaction,
      generation: r.generation,
      present: r.present,
      updated_at: now,
    }));
    await this.db('reaction_snapshots')
      .insert(rows)
      .onConflict(KEY)
      .merge(['generation', 'present', 'updated_at']);
  }

  /** Forgets messages whose reactions last changed before `before` (ms), like the message map. */
  async prune(before: number): Promise<number> {
    // Row counts from delete() differ between drivers; count the returned rows.
    const gone = await this.db('reaction_snapshots')
      .where('updated_at', '<', before)
      .delete()
      .returning('message_id');
    return gone.length;
  }
}
