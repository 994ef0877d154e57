import type { Post } from '@mattermost/types/posts';
import type { Logger } from 'pino';
import type { Reaction } from '@mattermost/types/reactions';
import {
  connectionProblem,
  type ConnectionState,
  type ConnectorContext,
  ReactionTracker,
  RemoteApiError,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { MattermostApi } from './api.js';
import type { WorkspaceConfig } from './config.js';
import { deleteEvent, editEvent, isSystemPost, messageEvent } from './inbound.js';
import { planReplay } from './replay-order.js';
import {
  DEFAULT_RESYNC_OPTIONS,
  isRetryable,
  ResyncScheduler,
  ResyncStopped,
  sweepOrder,
  type ResyncOptions,
  type ResyncRound,
} from './resync.js';
import { SenderIdentity } from './sender-identity.js';
import { MattermostSocket, type SocketEvent } from './socket.js';
import { parseJson, reactionEvent, resyncedReaction } from './socket-events.js';
import { SweepPosition } from './sweep-position.js';

const RESYNC_PAGE = 200;

/** Tuning of the start-up work; the defaults are what the bridge uses (tests shorten them). */
export interface WorkspaceOptions extends ResyncOptions {
  /** Longest start() waits for the changed channels before letting the bridge go on. */
  startWaitMs: number;
}

export const DEFAULT_WORKSPACE_OPTIONS: WorkspaceOptions = {
  ...DEFAULT_RESYNC_OPTIONS,
  startWaitMs: 30_000,
};

/**
 * One Mattermost server: its API client, its event socket, and the cursors that let a
 * reconnect pick up every post missed while disconnected.
 *
 * Catching up after a (re)connection: the channel list (`GET /users/me/teams`, then
 * `GET /users/me/teams/{id}/channels` per team) says which linked channels have a post newer
 * than their cursor (`last_post_at`); those are resynced first, a few at a time, and then the
 * connection counts as up. Edits, deletions and reactions do not move `last_post_at`, so the
 * other channels are resynced too, in the background, slowly. A live event in a channel whose
 * catch-up has not run yet (or is running) waits for it, so each channel stays in order.
 */
export class MattermostWorkspace {
  readonly api: MattermostApi;
  botUserId = '';
  private socket: MattermostSocket;
  private readonly identity: SenderIdentity;
  private readonly sweep: SweepPosition;
  private readonly resyncs: ResyncScheduler;
  private readonly options: WorkspaceOptions;
  private readonly log: Logger;
  /** Link time of each linked channel at the last plan: where a channel without cursor starts. */
  private linkedAt = new Map<string, number>();
  /** Posts the bridge itself deleted: their deletion is not news to any other side. */
  private readonly ownDeletes = new Set<string>();
  private readonly reactions: ReactionTracker;
  private stopping = false;
  /** Counts connections; `socketUp` while the latest one is open. */
  private connection = 0;
  private socketUp = false;
  /** Resolves the pending start(): first catch-up done, first connection failed, or stop(). */
  private releaseStart: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly config: WorkspaceConfig,
    private readonly ctx: ConnectorContext,
    options: Partial<WorkspaceOptions> = {},
  ) {
    this.options = { ...DEFAULT_WORKSPACE_OPTIONS, ...options };
    this.api = new MattermostApi(config.url, config.token);
    this.identity = new SenderIdentity(this.api, config, ctx.logger, name);
    this.reactions = new ReactionTracker(ctx.reactions);
    const log = ctx.logger.child({ workspace: name });
    this.log = log;
    this.sweep = new SweepPosition(ctx.storage, name, log);
    this.resyncs = new ResyncScheduler(
      (channel) => this.resyncChannel(channel),
      this.options,
      log,
      (channel) => this.sweep.noteSwept(channel),
    );
    this.socket = new MattermostSocket(
      config.url,
      config.token,
      {
        onConnected: () => this.onConnected(),
        onEvent: (e) => this.onSocketEvent(e),
        onDisconnected: (reason, authFailed) => {
          this.socketUp = false;
          ctx.reportState(name, this.problem(authFailed, reason));
          // A bridge starting while Mattermost is away does not wait for it.
          this.releaseStart?.();
        },
      },
      log,
    );
  }

  /**
   * Connects and resolves once the channels changed since the last run are caught up (or the
   * first connection attempt failed, or after `startWaitMs`); the rest goes on in the
   * background.
   */
  async start(): Promise<void> {
    this.stopping = false;
    this.ctx.reportState(this.name, { status: 'connecting' });
    try {
      const me = await this.api.getMe();
      this.botUserId = me.id;
      await this.identity.refresh(true);
    } catch (err) {
      const auth = err instanceof RemoteApiError && (err.status === 401 || err.status === 403);
      const reason = auth ? 'Mattermost refused the bot token' : (err as Error).message;
      this.ctx.reportState(this.name, this.problem(auth, reason));
    }
    let timer: NodeJS.Timeout | undefined;
    const released = new Promise<void>((resolve) => {
      this.releaseStart = resolve;
      timer = setTimeout(() => {
        this.log.info('catching up on changed channels takes long; going on in the background');
        resolve();
      }, this.options.startWaitMs);
    });
    this.socket.start();
    await released;
    clearTimeout(timer);
    this.releaseStart = undefined;
  }

  /** A failed connection, naming the config key to check and the server's URL. */
  private problem(authFailed: boolean, reason: string): ConnectionState {
    const where = { credentialKeys: 'token', urlKey: 'url', url: this.config.url };
    return connectionProblem(this.ctx.connectorId, this.name, { authFailed, reason, ...where });
  }

  /** Stops the socket and the catch-up (it resumes at the next start) and writes the cursors. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.releaseStart?.();
    await this.socket.stop();
    this.socketUp = false;
    await this.resyncs.stop();
    await this.sweep.save();
    this.ctx.reportState(this.name, { status: 'stopped' });
  }

  /** Whether posts can carry the Matrix sender's name and avatar (server settings). */
  useOverrides(): Promise<boolean> {
    return this.identity.useOverrides();
  }

  usernameOf(userId: string): Promise<string | undefined> {
    return this.identity.usernameOf(userId);
  }

  /** In the socket's queue, before any event of this connection: plans the catch-up. */
  private async onConnected(): Promise<void> {
    if (!this.botUserId) this.botUserId = (await this.api.getMe()).id;
    const connection = ++this.connection;
    this.socketUp = true;
    const round = await this.planRound();
    // Not awaited: live events flow meanwhile, each waiting only for its own channel.
    void this.resyncs
      .start(round)
      .then((current) => {
        if (current && this.socketUp && connection === this.connection && !this.stopping) {
          this.ctx.reportState(this.name, { status: 'connected' });
        }
      })
      .catch((err: unknown) => {
        this.log.error({ err: (err as Error).message }, 'catching up on channels failed');
      })
      .finally(() => this.releaseStart?.());
  }

  /**
   * Which linked channels changed (a post newer than their cursor, by the channel list's
   * `last_post_at`), which only need a look for edits, deletions and reactions, and which
   * have had no post at all since they were linked (nothing to recover).
   */
  private async planRound(): Promise<ResyncRound> {
    const linked = (await this.ctx.linkedChannels()).filter((c) => c.workspace === this.name);
    this.linkedAt = new Map(linked.map((c) => [c.channel, c.linkedAt]));
    if (linked.length === 0) return { changed: [], sweep: [] };
    const lastPosts = await this.lastPostTimes();
    const changed: Array<{ channel: string; last: number }> = [];
    const unchanged: string[] = [];
    let idle = 0;
    for (const { channel, linkedAt } of linked) {
      const last = lastPosts.get(channel);
      const cursor = await this.cursor(channel);
      // A channel never seen before starts where it was linked: no history import on link,
      // but nothing posted between linking and the first connection is lost either.
      const since = cursor ?? linkedAt;
      if (last === undefined || last > since) {
        changed.push({ channel, last: last ?? Number.POSITIVE_INFINITY });
      } else if (cursor !== undefined) {
        unchanged.push(channel);
      } else {
        idle++;
      }
    }
    // Channels the list did not show first, then the most recently active.
    changed.sort((a, b) => b.last - a.last);
    this.log.info(
      {
        linked: linked.length,
        changed: changed.length,
        unlisted: changed.filter((c) => c.last === Number.POSITIVE_INFINITY).length,
        background: unchanged.length,
        idle,
      },
      'catching up on linked channels',
    );
    return {
      changed: changed.map((c) => c.channel),
      sweep: sweepOrder(unchanged, await this.sweep.get()),
    };
  }

  /** Newest post time of every channel the bot is in, one request per team. */
  private async lastPostTimes(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const team of await this.api.getMyTeams()) {
      // Archived channels too: a linked channel that was archived still has its posts.
      for (const ch of await this.api.getMyChannels(team.id, true)) {
        out.set(ch.id, Math.max(ch.last_post_at ?? 0, ch.last_root_post_at ?? 0));
      }
    }
    return out;
  }

  /**
   * Replays every post created, edited or deleted in `channel` since its cursor, and the
   * reactions added or removed on them, in the order it happened (`planReplay`): a post
   * created while away at its creation time, its latest change at that change's time. The
   * cursor moves only once a whole answer is recorded, so a crash part-way replays it again
   * (the core drops what it already has by key).
   */
  private async resyncChannel(channel: string): Promise<void> {
    const linkedAt = this.linkedAt.get(channel);
    if (linkedAt === undefined) return;
    // Not done: a live event waiting for this catch-up must not be handled either.
    if (this.stopping) throw new ResyncStopped();
    let since = (await this.cursor(channel)) ?? linkedAt;
    for (;;) {
      const list = await this.api.getPostsSince(channel, since, false);
      const plan = planReplay(Object.values(list.posts), since);
      if (plan.steps.length === 0) break;
      for (const { kind, post } of plan.steps) {
        await (kind === 'created' ? this.replayCreated(post) : this.replayChanges(post));
      }
      await this.advance(channel, plan.cursor);
      if (plan.cursor <= since || Object.keys(list.posts).length < RESYNC_PAGE) break;
      if (this.stopping) throw new ResyncStopped();
      since = plan.cursor;
    }
  }

  /** Before a live event in `channel`: that channel's catch-up, if it has not run yet. */
  private async caughtUp(channel: string): Promise<void> {
    try {
      await this.resyncs.ensure(channel);
    } catch (err) {
      // Retryable: reconnect and plan again (the socket does that when this throws).
      if (isRetryable(err)) throw err;
      this.log.warn(
        { channel, err: (err as Error).message },
        'cannot catch up a channel; handling its live events anyway',
      );
    }
  }

  /** A post created while the bridge was away: its message (the bridge's own are not news). */
  private async replayCreated(post: Post): Promise<void> {
    if (isSystemPost(post) || this.isOwn(post)) return;
    await this.emit(await messageEvent(post, this.name, this.api));
  }

  /** A post changed while the bridge was away: its deletion, or its edit and reactions. */
  private async replayChanges(post: Post): Promise<void> {
    if (post.delete_at > 0) return this.deleted(post, false);
    if (isSystemPost(post)) return;
    // Also for a post created after the cursor: after a crash the stored cursor lags, so the
    // post may have been bridged with its first text already (its message event is then
    // dropped by key) and only this edit brings the new text. Recorded live, it is dropped
    // by key too.
    if (!this.isOwn(post) && post.edit_at > 0) {
      await this.emit(await editEvent(post, this.name, this.api));
    }
    // Reactions added or removed while the bridge was away (also on the bridge's own posts).
    const current = (post.metadata?.reactions ?? []).filter((r) => r.user_id !== this.botUserId);
    await this.reactions.snapshot(
      { workspace: this.name, channel: post.channel_id },
      post.id,
      current.map((r) => ({ user: r.user_id, reaction: r.emoji_name })),
      (change) => this.emit(resyncedReaction(post, change, current, this.name)),
    );
  }

  /** Called before the bridge deletes a post, so the deletion is not bridged back. */
  noteOwnDelete(postId: string): void {
    if (this.ownDeletes.size >= 10_000) this.ownDeletes.clear();
    this.ownDeletes.add(postId);
  }

  /** `live`: the cursor moves past it (a catch-up moves it once its whole answer is recorded). */
  private async deleted(post: Post, live: boolean): Promise<void> {
    const cursor = live ? post.update_at : undefined;
    if (!this.ownDeletes.delete(post.id)) return this.emit(deleteEvent(post, this.name), cursor);
    if (cursor !== undefined) await this.advance(post.channel_id, cursor);
  }

  private isOwn(post: Post): boolean {
    return post.user_id === this.botUserId;
  }

  private async onSocketEvent(e: SocketEvent): Promise<void> {
    switch (e.event) {
      case 'posted':
      case 'post_edited':
      case 'post_deleted': {
        const post = parseJson<Post>(e.data.post);
        if (!post) return;
        await this.caughtUp(post.channel_id);
        if (e.event === 'post_deleted') return this.deleted(post, true);
        if (this.isOwn(post) || isSystemPost(post))
          return this.advance(post.channel_id, post.update_at);
        const event =
          e.event === 'posted'
            ? await messageEvent(post, this.name, this.api)
            : await editEvent(post, this.name, this.api);
        return this.emit(event, post.update_at);
      }
      case 'reaction_added':
      case 'reaction_removed': {
        const reaction = parseJson<Reaction>(e.data.reaction);
        if (!reaction || reaction.user_id === this.botUserId) return;
        const channel = e.broadcast.channel_id;
        if (!channel) return;
        await this.caughtUp(channel);
        const added = e.event === 'reaction_added';
        await this.emit(reactionEvent(reaction, this.name, channel, added));
        const entry = { user: reaction.user_id, reaction: reaction.emoji_name };
        await this.reactions.note(
          { workspace: this.name, channel },
          reaction.post_id,
          entry,
          added,
        );
        return;
      }
      default:
        this.ctx.logger.trace({ workspace: this.name, event: e.event }, 'ignoring WebSocket event');
    }
  }

  /** Records the event durably, then moves the channel's cursor past it. */
  private async emit(event: RemoteEvent, updateAt?: number): Promise<void> {
    if (!(await this.isLinked(event.channel))) return;
    await this.ctx.emit(event);
    if (updateAt !== undefined) this.move(event.channel, updateAt);
  }

  private async advance(channel: string, updateAt: number): Promise<void> {
    if (await this.isLinked(channel)) this.move(channel, updateAt);
  }

  /** The channel's cursor in the core's table: the newest `update_at` recorded. */
  private async cursor(channel: string): Promise<number | undefined> {
    const stored = Number(await this.ctx.cursors.get({ workspace: this.name, channel }));
    return Number.isFinite(stored) ? stored : undefined;
  }

  /** Written behind by the core (never back: the table compares decimal cursors). */
  private move(channel: string, updateAt: number): void {
    this.ctx.cursors.advance({ workspace: this.name, channel }, String(updateAt));
  }

  private async isLinked(channel: string): Promise<boolean> {
    return (await this.ctx.linkedChannels()).some(
      (c) => c.workspace === this.name && c.channel === channel,
    );
  }
}
