import type { Logger } from 'pino';
import {
  BoundedMap,
  BoundedSet,
  type ConnectorContext,
  type LinkedChannel,
  type ReactionEntry,
  type ReactionEvent,
  ReactionTracker,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { rocketReactions } from './format/index.js';
import { eventKeys, isRocketId } from './ids.js';
import { editEvent, isConversation, messageEvent } from './inbound.js';
import { normalizeReactions } from './reactions.js';
import { toMs, type WireMessage } from './types.js';
import type { UserDirectory } from './users.js';

const MAX_OWN_DELETES = 10_000;
/** Messages whose last-seen edit time is remembered (in memory: seen since this process started). */
const MAX_KNOWN_MESSAGES = 10_000;

/** The events a message brings, how to note them as seen, and its last change (ms). */
export interface MessageChanges {
  events: RemoteEvent[];
  commit: () => Promise<void>;
  time: number;
}

/**
 * Turns what Rocket.Chat sends about a message (the whole message, every time it changes) into
 * events: new message, edit, reactions added/removed, deletion. Live, each is recorded before
 * the room's cursor (in the core's table) moves past it; the core's catch-up records the same
 * events from a page of changes. The bridge's own messages, edits, deletes and reactions are
 * not sent back.
 */
export class MessageIntake {
  /**
   * When each recent message was last edited, as seen: enough to tell a new message from an
   * edit when Rocket.Chat sends the whole message again. Reactions are compared with the core's
   * memory instead (`ReactionTracker`), which survives a restart.
   */
  private readonly states = new BoundedMap<string, { editedAt?: number }>(MAX_KNOWN_MESSAGES);
  private readonly reactions: ReactionTracker;
  private readonly ownDeletes = new BoundedSet<string>(MAX_OWN_DELETES);

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
    this.ownDeletes.add(id);
  }

  /** A message as the stream gives it: its events recorded, then the room's cursor moves. */
  async message(raw: unknown, link: LinkedChannel): Promise<void> {
    const changes = await this.changesOf(raw, link);
    if (!changes) return;
    for (const event of changes.events) await this.emit(event);
    await changes.commit();
    this.advance(link.channel, changes.time);
  }

  /**
   * What a message (the whole message, as the stream or the catch-up gives it) brings that
   * was not bridged yet: its creation, an edit, reactions added or removed; `commit` notes it
   * as seen once those are recorded. `time` is its last change (where the cursor may go).
   */
  async changesOf(raw: unknown, link: LinkedChannel): Promise<MessageChanges | undefined> {
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
      return undefined;
    }
    if (m.t === 'rm') return this.deletion(link.channel, m._id, updatedAt);
    if (!isConversation(m)) {
      this.log.debug(
        { channel: link.channel, type: String(m.t).slice(0, 40) },
        'ignoring a system message',
      );
      return { events: [], commit: async () => undefined, time: updatedAt };
    }
    const id = m._id;
    const recent = this.states.get(id);
    const own = m.u!._id === this.bot().id;
    const editedAt = toMs(m.editedAt);
    const isNew = recent === undefined && ts >= link.linkedAt;
    const events: RemoteEvent[] = [];
    if (!own && isNew) events.push(await messageEvent(m, this.workspace, this.users));
    // An edit this process has not passed on. Its key (the edit time) lets the core drop it if
    // recorded before a restart; the cursor cannot tell, as it is written behind and may lag
    // what was recorded. A message made and edited while the bridge was away gets its edit
    // too, which repeats the text its message event already carries.
    if (!own && editedAt !== undefined && editedAt !== recent?.editedAt) {
      events.push(await editEvent(m, editedAt, this.workspace, this.users));
    }
    const reactions = await this.reactions.compare(
      { workspace: this.workspace, channel: link.channel },
      id,
      this.reactionEntries(m),
    );
    for (const c of reactions.changes) {
      const event = await this.reactionEvent(
        link.channel,
        id,
        c.added,
        c.reaction,
        c.user,
        updatedAt,
      );
      if (event) events.push(event);
    }
    const commit = async (): Promise<void> => {
      await reactions.commit();
      this.states.set(id, { editedAt });
    };
    return { events, commit, time: updatedAt };
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
      key: rocketReactions.toKey(reaction),
    };
  }

  /** A deletion seen live (it carries no time: the cursor stays). */
  async deleted(channel: string, id: string): Promise<void> {
    for (const event of this.deletion(channel, id, Date.now()).events) await this.emit(event);
  }

  /** A deletion at `time`, unless the bridge made it itself. */
  deletion(channel: string, id: string, time: number): MessageChanges {
    this.states.delete(id);
    // Kept (bounded), not consumed: catch-up may list the same deletion again.
    const events: RemoteEvent[] = this.ownDeletes.has(id)
      ? []
      : [
          {
            kind: 'delete',
            workspace: this.workspace,
            channel,
            eventKey: eventKeys.delete(id),
            ts: time,
            messageId: id,
          },
        ];
    return { events, commit: async () => undefined, time };
  }

  private emit(event: RemoteEvent): Promise<void> {
    return this.ctx.emit(event);
  }

  private advance(channel: string, time: number): void {
    this.ctx.cursors.advance({ workspace: this.workspace, channel }, String(time));
  }
}
