import type { Knex } from 'knex';
import type { ChannelRef } from '../connector/events.js';
import type { KnownReaction, ReactionMemory } from '../connector/reaction-snapshots.js';
import { num } from './database.js';

type Row = {
  sender: string;
  reaction: string;
  generation: unknown;
  present: unknown;
};

const KEY = ['connector', 'workspace', 'channel', 'message_id', 'sender', 'reaction'];

/**
 * The reactions each connector has passed on, per platform message (`reaction_snapshots`):
 * the memory a snapshot of a message's reactions is compared with.
 */
export class ReactionSnapshotStore {
  constructor(private readonly db: Knex) {}

  forConnector(connector: string): ReactionMemory {
    return {
      load: (ref, messageId) => this.load(connector, ref, messageId),
      save: (ref, messageId, reactions) => this.save(connector, ref, messageId, reactions),
    };
  }

  private async load(
    connector: string,
    ref: ChannelRef,
    messageId: string,
  ): Promise<KnownReaction[]> {
    const rows = (await this.db('reaction_snapshots')
      .where({ connector, workspace: ref.workspace, channel: ref.channel, message_id: messageId })
      .select('sender', 'reaction', 'generation', 'present')) as Row[];
    return rows.map((r) => ({
      user: r.sender,
      reaction: r.reaction,
      generation: num(r.generation),
      present: r.present === true || r.present === 1 || r.present === 't',
    }));
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
