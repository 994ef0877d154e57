import type { Logger } from 'pino';
import {
  type ConnectorContext,
  errorMessage,
  type KnownReaction,
  type ReactionChange,
  type ReactionTracker,
  type RemoteEvent,
  retryUntilDone,
  StopSignal,
} from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import type { Cursors } from './cursors.js';
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
import { Lru } from './lru.js';
import { scanChannel } from './resync.js';
import { slackReactionToKey } from './format/index.js';
import type { ThreadIndex } from './threads.js';
import { isObject, type EventCallback, type SlackEvent, type SlackMessage } from './types.js';

/** Back-off of a resync read that fails transiently (retried until it works). */
const RESYNC_RETRY = { initialDelayMs: 500, maxDelayMs: 30_000 };

/** How far back a resync looks for reactions changed on older messages. */
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
  cursors: Cursors;
  reactions: ReactionTracker;
  log: Logger;
  identity(): Identity | undefined;
}

/**
 * Slack events → RemoteEvents, one at a time and in order, each recorded before its cursor
 * moves. Live events (Socket Mode or HTTP) and resync go through the same queue; duplicates
 * (Slack retries, redeliveries, a message seen live and again in history) are dropped here
 * by event id and event key before the core's own de-duplication.
 */
export class SlackIntake {
  private queue: Promise<void> = Promise.resolve();
  private readonly doneEvents = new Lru<string, true>(5000);
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly emitted = new Lru<string, true>(20_000);
  /** `channel:ts` of messages the bridge deleted itself. */
  private readonly ownDeletes = new Lru<string, true>(5000);
  private readonly stopSignal = new StopSignal();

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
    this.ownDeletes.set(`${channel}:${ts}`, true);
  }

  /** An Events API payload; resolves once recorded. The same event_id is handled once. */
  handlePayload(payload: EventCallback): Promise<void> {
    const id = payload.event_id;
    if (this.doneEvents.has(id)) return Promise.resolve();
    const running = this.inFlight.get(id);
    if (running) return running;
    const task = this.serial(() => this.dispatch(payload.event)).then(() => {
      this.doneEvents.set(id, true);
    });
    this.inFlight.set(id, task);
    const forget = () => this.inFlight.delete(id);
    task.then(forget, forget);
    return task;
  }

  /**
   * Replays every linked channel from its cursor (or link time): new messages in order, and
   * reactions added or removed on recent messages. Runs in the queue.
   */
  resync(): Promise<void> {
    return this.serial(async () => {
      const links = (await this.d.ctx.linkedChannels()).filter(
        (l) => l.workspace === this.d.workspace,
      );
      for (const { channel, linkedAt } of links) {
        const cursor = await this.d.cursors.get(channel);
        const since = cursor ?? msToTs(linkedAt);
        // With a cursor the channel was bridged before: its recent messages may carry
        // reactions changed meanwhile, also those from before a re-link.
        const window = Date.now() - REACTION_WINDOW_MS;
        const floor = msToTs(cursor ? window : Math.max(linkedAt, window));
        let scanned: SlackMessage[];
        try {
          const threads = await this.d.cursors.activeThreads(channel);
          scanned = await this.untilRead(channel, () =>
            this.scanJoining(channel, since, floor, threads),
          );
        } catch (err) {
          if (this.stopSignal.stopped) return; // nothing recorded, the cursor stays: the next start replays
          // Not transient (the channel is gone, or the app lost access): said loudly; the
          // cursor stays, so the next resync replays from there once access is back.
          this.d.log.error(
            { channel, err: errorMessage(err) },
            'cannot read missed Slack messages of a linked channel (check the app is in it and has its history scopes); they are replayed once it can',
          );
          continue;
        }
        const missed = scanned.filter((m) => compareTs(m.ts, since) > 0).length;
        if (missed > 0)
          this.d.log.info({ channel, count: missed }, 'replaying missed Slack messages');
        const ref = { workspace: this.d.workspace, channel };
        const known = await this.d.reactions.recall(
          ref,
          scanned.map((m) => m.ts),
        );
        for (const m of scanned) {
          if (compareTs(m.ts, since) > 0) await this.newMessage(m, channel);
          await this.reconcileReactions(m, channel, known.get(m.ts));
        }
      }
    });
  }

  /** `read`, retried with back-off while it fails transiently, until it works or the intake stops. */
  private untilRead<T>(channel: string, read: () => Promise<T>): Promise<T> {
    return retryUntilDone(read, {
      ...RESYNC_RETRY,
      stopped: () => this.stopSignal.stopped,
      sleep: (ms) => this.stopSignal.sleep(ms),
      onRetry: (err, failures, delayMs) =>
        this.d.log[failures === 1 ? 'warn' : 'debug'](
          { channel, err: errorMessage(err), failures, retryInMs: delayMs },
          'could not read missed Slack messages; retrying (live events of the workspace wait)',
        ),
    });
  }

  /** Ends resync retries (the workspace is stopping). */
  stop(): void {
    this.stopSignal.stop();
  }

  /** Arms resync retries again (the workspace starts after a stop). */
  start(): void {
    this.stopSignal.reset();
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

  /** Reactions changed on a message while nobody listened, as reaction events. */
  private async reconcileReactions(
    m: SlackMessage,
    channel: string,
    known: KnownReaction[] | undefined,
  ): Promise<void> {
    const bot = this.d.identity()?.botUserId;
    const current = (m.reactions ?? []).flatMap((r) => {
      const name = r?.name;
      if (typeof name !== 'string' || !Array.isArray(r.users)) return [];
      return r.users
        .filter((u): u is string => typeof u === 'string' && u !== bot)
        .map((user) => ({ user, reaction: name }));
    });
    await this.d.reactions.snapshot(
      { workspace: this.d.workspace, channel },
      m.ts,
      current,
      (c) => this.emit(this.resyncedReaction(m, channel, c)),
      { known },
    );
  }

  private resyncedReaction(m: SlackMessage, channel: string, c: ReactionChange): RemoteEvent {
    return {
      kind: c.added ? 'reaction' : 'reaction_remove',
      workspace: this.d.workspace,
      channel,
      eventKey: eventKeys.reaction(c.added, channel, m.ts, c.user, c.reaction, `g${c.generation}`),
      ts: Date.now(),
      messageId: m.ts,
      sender: { userId: toRemoteUser(c.user) },
      key: slackReactionToKey(c.reaction),
    };
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
    return (await this.d.ctx.linkedChannels()).some(
      (c) => c.workspace === this.d.workspace && c.channel === channel,
    );
  }

  private async emit(event: RemoteEvent | undefined): Promise<void> {
    if (!event || this.emitted.has(event.eventKey)) return;
    await this.d.ctx.emit(event);
    this.emitted.set(event.eventKey, true);
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

  /** A new message, live or from history: recorded unless it is the bridge's own. */
  private async newMessage(m: SlackMessage, channel: string): Promise<void> {
    const root = threadRootOf(m);
    if (root) {
      this.d.threads.note(channel, m.ts, root);
      await this.d.cursors.noteReply(channel, root, m.ts);
    }
    if (m.hidden) return;
    if (CONTENT_SUBTYPES.has(m.subtype) && !this.isOwn(m)) {
      await this.emit(await toMessageEvent(m, channel, this.d.workspace, this.d.directory));
    } else if (!CONTENT_SUBTYPES.has(m.subtype)) {
      this.d.log.debug(
        { channel, subtype: m.subtype },
        'not bridging a Slack housekeeping message',
      );
    }
    await this.d.cursors.advance(channel, m.ts);
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
