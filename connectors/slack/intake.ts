import type { Logger } from 'pino';
import {
  BoundedSet,
  findLink,
  PageBuilder,
  type ConnectorContext,
  type KnownReaction,
  type LinkedChannel,
  type MessagesPage,
  type ReactionTracker,
  type RemoteEvent,
} from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import type { ActiveThreads } from './active-threads.js';
import { slackErrorCode } from './errors.js';
import type { Directory } from './directory.js';
import {
  CONTENT_SUBTYPES,
  threadRootOf,
  toDeleteEvent,
  toEditEvent,
  toMessageEvent,
  toReactionEvent,
} from './inbound.js';
import { compareTs, eventKeys, isTs, msToTs, toRemoteUser } from './ids.js';
import { scanChannel } from './history.js';
import { slackReactions } from './format/index.js';
import type { ThreadIndex } from './threads.js';
import { isObject, type EventCallback, type SlackEvent, type SlackMessage } from './types.js';

/** How far back a catch-up looks for reactions changed on older messages. */
const REACTION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface Identity {
  teamId: string;
  botUserId: string;
  botId?: string;
}

export interface IntakeDeps {
  workspace: string;
  ctx: ConnectorContext;
  api: SlackApi;
  directory: Directory;
  threads: ThreadIndex;
  activeThreads: ActiveThreads;
  reactions: ReactionTracker;
  log: Logger;
  identity(): Identity | undefined;
}

/**
 * Slack events → RemoteEvents, one at a time and in order, each recorded before its cursor
 * moves. Live events (Socket Mode or HTTP) go through one queue; duplicates (Slack retries,
 * redeliveries) are dropped here by event id and event key before the core's own
 * de-duplication. `fetchSince` is the platform read of the core's catch-up.
 */
export class SlackIntake {
  private queue: Promise<void> = Promise.resolve();
  private readonly doneEvents = new BoundedSet<string>(5000);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly emitted = new BoundedSet<string>(20_000);
  /** `channel:ts` of messages the bridge deleted itself. */
  private readonly ownDeletes = new BoundedSet<string>(5000);

  constructor(private readonly d: IntakeDeps) {}

  /** Runs `task` after everything queued before it. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  idle(): Promise<void> {
    return this.queue;
  }

  noteOwnDelete(channel: string, ts: string): void {
    this.ownDeletes.add(`${channel}:${ts}`);
  }

  /** An Events API payload; resolves once recorded. The same event_id is handled once. */
  handlePayload(payload: EventCallback): Promise<void> {
    const id = payload.event_id;
    if (this.doneEvents.has(id)) return Promise.resolve();
    const running = this.inFlight.get(id);
    if (running) return running;
    const task = this.serial(() => this.dispatch(payload.event)).then(() => {
      this.doneEvents.add(id);
    });
    this.inFlight.set(id, task);
    const forget = () => this.inFlight.delete(id);
    task.then(forget, forget);
    return task;
  }

  /**
   * What a linked channel missed, for the core's catch-up: new messages after `cursor` (or
   * the link time) and reactions added or removed on recent messages, with the keys live
   * delivery uses. Slack reads the whole gap at once, so there is one page; the core's
   * reaction memory takes the new state only once the core recorded the page.
   */
  async fetchSince(link: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    const { channel, linkedAt } = link;
    const since = cursor ?? msToTs(linkedAt);
    // With a cursor the channel was bridged before: its recent messages may carry
    // reactions changed meanwhile, also those from before a re-link.
    const window = Date.now() - REACTION_WINDOW_MS;
    const floor = msToTs(cursor ? window : Math.max(linkedAt, window));
    const threads = await this.d.activeThreads.of(channel);
    const scanned = await this.scanJoining(channel, since, floor, threads);
    const known = await this.d.reactions.recall(
      { workspace: this.d.workspace, channel },
      scanned.map((m) => m.ts),
    );
    const page = new PageBuilder();
    let next = since;
    for (const m of scanned) {
      if (compareTs(m.ts, since) > 0) {
        const event = await this.newMessageEvent(m, channel);
        if (event) page.add([event]);
        next = m.ts;
      }
      const reactions = await this.reactionChanges(m, channel, known.get(m.ts));
      page.add(reactions.events, reactions.commit);
    }
    const missed = scanned.filter((m) => compareTs(m.ts, since) > 0).length;
    if (missed > 0) this.d.log.info({ channel, count: missed }, 'replaying missed Slack messages');
    // Slack redelivers events it could not deliver while away: those are dropped here too.
    return page.page(next, false, () => {
      for (const e of page.events) this.emitted.add(e.eventKey);
    });
  }

  /** Reads a channel; a public channel the bot is not in yet is joined first (channels:join). */
  private async scanJoining(channel: string, since: string, floor: string, threads: string[]) {
    try {
      return (await scanChannel(this.d.api, channel, since, floor, threads)).messages;
    } catch (err) {
      if (slackErrorCode((err as Error).cause) !== 'not_in_channel') throw err;
      await this.d.api.write('conversations.join', { channel });
      this.d.log.info({ channel }, 'joined the linked Slack channel');
      return (await scanChannel(this.d.api, channel, since, floor, threads)).messages;
    }
  }

  /** Reactions changed on a message while nobody listened, and how to note them as seen. */
  private async reactionChanges(
    m: SlackMessage,
    channel: string,
    known: KnownReaction[] | undefined,
  ): Promise<{ events: RemoteEvent[]; commit: () => Promise<void> }> {
    const bot = this.d.identity()?.botUserId;
    const current = (m.reactions ?? []).flatMap((r) => {
      const name = r?.name;
      if (typeof name !== 'string' || !Array.isArray(r.users)) return [];
      return r.users
        .filter((u): u is string => typeof u === 'string' && u !== bot)
        .map((user) => ({ user, reaction: name }));
    });
    const ref = { workspace: this.d.workspace, channel };
    const { changes, commit } = await this.d.reactions.compare(ref, m.ts, current, { known });
    const events = changes.map((c): RemoteEvent => ({
      kind: c.added ? 'reaction' : 'reaction_remove',
      workspace: this.d.workspace,
      channel,
      eventKey: eventKeys.reaction(c.added, channel, m.ts, c.user, c.reaction, `g${c.generation}`),
      ts: Date.now(),
      messageId: m.ts,
      sender: { userId: toRemoteUser(c.user) },
      key: slackReactions.toKey(c.reaction),
    }));
    return { events, commit };
  }

  private async dispatch(event: SlackEvent): Promise<void> {
    switch (event.type) {
      case 'message':
        return this.message(event as SlackEvent & SlackMessage);
      case 'reaction_added':
      case 'reaction_removed':
        return this.reaction(event);
      default:
        this.d.log.debug(
          { type: event.type },
          'ignoring a Slack event type the bridge does not use',
        );
    }
  }

  private isOwn(m: SlackMessage): boolean {
    const me = this.d.identity();
    if (!me) return false;
    return (m.bot_id !== undefined && m.bot_id === me.botId) || m.user === me.botUserId;
  }

  private async isLinked(channel: string): Promise<boolean> {
    return findLink(await this.d.ctx.linkedChannels(), this.d.workspace, channel) !== undefined;
  }

  private async emit(event: RemoteEvent | undefined): Promise<void> {
    if (!event || this.emitted.has(event.eventKey)) return;
    await this.d.ctx.emit(event);
    this.emitted.add(event.eventKey);
  }

  private async message(e: SlackEvent & SlackMessage): Promise<void> {
    const channel = e.channel;
    if (typeof channel !== 'string' || !(await this.isLinked(channel))) return;
    if (e.subtype === 'message_changed') {
      const raw: unknown = (e as Record<string, unknown>).message;
      if (!isObject(raw) || !isTs(raw.ts)) return;
      const m = raw as unknown as SlackMessage;
      // A deleted thread root stays as a tombstone: for the other sides it is a deletion.
      if (m.subtype === 'tombstone') {
        if (this.ownDeletes.delete(`${channel}:${m.ts}`)) return;
        const eventTs = isTs(e.event_ts) ? e.event_ts : m.ts;
        return this.emit(toDeleteEvent(channel, m.ts, eventTs, this.d.workspace));
      }
      // No `edited`: an unfurl or a reply count changed, not the text.
      if (!isObject(m.edited) || this.isOwn(m)) return;
      return this.emit(await toEditEvent(m, channel, this.d.workspace, this.d.directory));
    }
    if (e.subtype === 'message_deleted') {
      const deleted = e.deleted_ts;
      if (!isTs(deleted)) return;
      if (this.ownDeletes.delete(`${channel}:${deleted}`)) return;
      const eventTs = isTs(e.event_ts) ? e.event_ts : isTs(e.ts) ? e.ts : deleted;
      return this.emit(toDeleteEvent(channel, deleted, eventTs, this.d.workspace));
    }
    if (!isTs(e.ts)) return;
    return this.newMessage(e, channel);
  }

  /** A new message seen live: recorded unless it is the bridge's own; then the cursor moves. */
  private async newMessage(m: SlackMessage, channel: string): Promise<void> {
    await this.emit(await this.newMessageEvent(m, channel));
    this.d.ctx.cursors.advance({ workspace: this.d.workspace, channel }, m.ts);
  }

  /** The event of a new message (live or from history), or none (own, hidden, housekeeping). */
  private async newMessageEvent(
    m: SlackMessage,
    channel: string,
  ): Promise<RemoteEvent | undefined> {
    const root = threadRootOf(m);
    if (root) {
      this.d.threads.note(channel, m.ts, root);
      await this.d.activeThreads.noteReply(channel, root, m.ts);
    }
    if (m.hidden) return undefined;
    if (CONTENT_SUBTYPES.has(m.subtype) && !this.isOwn(m)) {
      return toMessageEvent(m, channel, this.d.workspace, this.d.directory);
    }
    if (!CONTENT_SUBTYPES.has(m.subtype)) {
      this.d.log.debug(
        { channel, subtype: m.subtype },
        'not bridging a Slack housekeeping message',
      );
    }
    return undefined;
  }

  private async reaction(e: SlackEvent): Promise<void> {
    const me = this.d.identity();
    if (me && e.user === me.botUserId) return;
    const event = toReactionEvent(e, this.d.workspace);
    if (!event || !(await this.isLinked(event.channel))) return;
    await this.emit(event);
    const entry = { user: e.user as string, reaction: e.reaction as string };
    const ref = { workspace: this.d.workspace, channel: event.channel };
    await this.d.reactions.note(ref, event.messageId, entry, event.kind === 'reaction');
  }
}
