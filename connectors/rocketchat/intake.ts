import type { Logger } from 'pino';
import {
  type ConnectorContext,
  type LinkedChannel,
  type ReactionEntry,
  type ReactionEvent,
  ReactionTracker,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { reactionToMatrixKey } from './format/index.js';
import { eventKeys, isRocketId } from './ids.js';
import { editEvent, isConversation, messageEvent } from './inbound.js';
import { MessageStates } from './message-state.js';
import { normalizeReactions } from './reactions.js';
import { toMs, type WireMessage } from './types.js';
import type { UserDirectory } from './users.js';

const MAX_OWN_DELETES = 10_000;

/**
 * Turns what Rocket.Chat sends about a message (the whole message, every time it changes) into
 * events: new message, edit, reactions added/removed, deletion. Each is recorded before the
 * room's cursor moves past it; the bridge's own messages, edits, deletes and reactions are not
 * sent back.
 */
export class MessageIntake {
  private readonly states = new MessageStates();
  private readonly reactions: ReactionTracker;
  private readonly cursors = new Map<string, number>();
  private readonly ownDeletes = new Set<string>();

  constructor(
    private readonly workspace: string,
    private readonly ctx: ConnectorContext,
    private readonly users: UserDirectory,
    private readonly log: Logger,
    private readonly bot: () => { id: string; username: string },
  ) {
    this.reactions = new ReactionTracker(ctx.reactions);
  }

  noteOwnDelete(id: string): void {
    if (this.ownDeletes.size >= MAX_OWN_DELETES) this.ownDeletes.clear();
    this.ownDeletes.add(id);
  }

  /**
   * A message as the stream or the catch-up gives it. `moveCursor: false` (catch-up replaying
   * in creation order) leaves the room's cursor for the caller to move once all is recorded.
   */
  async message(raw: unknown, link: LinkedChannel, moveCursor = true): Promise<void> {
    const m = raw as WireMessage;
    const updatedAt = toMs(m._updatedAt) ?? toMs(m.ts);
    const ts = toMs(m.ts);
    if (
      !isRocketId(m._id) ||
      m.rid !== link.channel ||
      !isRocketId(m.u?._id) ||
      ts === undefined ||
      updatedAt === undefined
    ) {
      this.log.warn(
        { channel: link.channel },
        'ignoring a message without id, room, author or time',
      );
      return;
    }
    if (m.t === 'rm') return this.deleted(link.channel, m._id, updatedAt, moveCursor);
    if (!isConversation(m)) {
      this.log.debug(
        { channel: link.channel, type: String(m.t).slice(0, 40) },
        'ignoring a system message',
      );
      return moveCursor ? this.advance(link.channel, updatedAt) : undefined;
    }
    const id = m._id;
    const recent = this.states.recent(id);
    const cursor = await this.cursor(link.channel);
    const own = m.u!._id === this.bot().id;
    const editedAt = toMs(m.editedAt);
    const isNew = recent === undefined && ts >= link.linkedAt;
    // Never processed before for sure: its current text is in the message event.
    const fresh = isNew && (cursor === undefined || ts > cursor);

    if (!own && isNew) await this.emit(await messageEvent(m, this.workspace, this.users));
    if (!own && editedAt !== undefined && editedAt !== recent?.editedAt && !fresh) {
      await this.emit(await editEvent(m, editedAt, this.workspace, this.users));
    }
    await this.reactions.snapshot(
      { workspace: this.workspace, channel: link.channel },
      id,
      this.reactionEntries(m),
      async (c) => {
        const event = await this.reactionEvent(
          link.channel,
          id,
          c.added,
          c.reaction,
          c.user,
          updatedAt,
        );
        if (event) await this.emit(event);
      },
    );
    this.states.remember(id, { editedAt });
    if (moveCursor) await this.advance(link.channel, updatedAt);
  }

  /** Who reacted with what (usernames, `:name:`), the bot itself left out. */
  private reactionEntries(m: WireMessage): ReactionEntry[] {
    const bot = this.bot().username;
    return Object.entries(normalizeReactions(m.reactions)).flatMap(([reaction, users]) =>
      users.filter((user) => user !== bot).map((user) => ({ user, reaction })),
    );
  }

  private async reactionEvent(
    channel: string,
    messageId: string,
    added: boolean,
    reaction: string,
    username: string,
    version: number,
  ): Promise<ReactionEvent | undefined> {
    const user = await this.users.byUsername(username);
    if (!user) {
      this.log.warn({ channel }, 'a reaction by a user who cannot be looked up was not bridged');
      return undefined;
    }
    return {
      kind: added ? 'reaction' : 'reaction_remove',
      workspace: this.workspace,
      channel,
      eventKey: eventKeys.reaction(added, messageId, reaction, username, version),
      ts: version,
      messageId,
      sender: { userId: user.id },
      key: reactionToMatrixKey(reaction),
    };
  }

  /** A deletion; `time` (from catch-up) moves the cursor unless `moveCursor` is false; live deletions carry none. */
  async deleted(channel: string, id: string, time?: number, moveCursor = true): Promise<void> {
    this.states.forget(id);
    // Kept (bounded), not consumed: catch-up may list the same deletion again.
    if (!this.ownDeletes.has(id)) {
      await this.emit({
        kind: 'delete',
        workspace: this.workspace,
        channel,
        eventKey: eventKeys.delete(id),
        ts: time ?? Date.now(),
        messageId: id,
      });
    }
    if (time !== undefined && moveCursor) await this.advance(channel, time);
  }

  private emit(event: RemoteEvent): Promise<void> {
    return this.ctx.emit(event);
  }

  /** Cursors (ms of the newest change processed) live in memory and are written when they move. */
  async cursor(channel: string): Promise<number | undefined> {
    if (!this.cursors.has(channel)) {
      const stored = await this.ctx.storage.get(`cursor:${this.workspace}:${channel}`);
      const value = stored === undefined ? Number.NaN : Number(stored);
      if (!Number.isFinite(value)) return undefined;
      this.cursors.set(channel, value);
    }
    return this.cursors.get(channel);
  }

  async advance(channel: string, time: number): Promise<void> {
    if (time <= ((await this.cursor(channel)) ?? 0)) return;
    this.cursors.set(channel, time);
    await this.ctx.storage.set(`cursor:${this.workspace}:${channel}`, String(time));
  }
}
