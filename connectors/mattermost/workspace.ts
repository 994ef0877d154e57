import type { Post } from '@mattermost/types/posts';
import type { Logger } from 'pino';
import type { Reaction } from '@mattermost/types/reactions';
import {
  BoundedSet,
  connectionProblem,
  type ConnectionState,
  type ConnectorContext,
  errorMessage,
  findLink,
  type LinkedChannel,
  type MessagesPage,
  ReactionTracker,
  RemoteApiError,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { MattermostApi } from './api.js';
import type { WorkspaceConfig } from './config.js';
import { channelActivity, postsSince, type HistoryDeps } from './history.js';
import { editEvent, isSystemPost, deleteEvent, messageEvent } from './inbound.js';
import { SenderIdentity } from './sender-identity.js';
import { MattermostSocket, type SocketEvent } from './socket.js';
import { parseJson, reactionEvent } from './socket-events.js';

/** Longest start() waits for the changed channels before letting the bridge go on. */
const START_WAIT_MS = 30_000;
/** Posts the bridge deleted itself that are remembered (then the oldest are forgotten). */
const MAX_OWN_DELETES = 10_000;

/**
 * One Mattermost server: its API client, its event socket, and the catch-up after each
 * (re)connection of every post missed while disconnected, which the core runs through
 * `fetchSince` and keeps in order with the live events (each waits for its channel).
 *
 * Channels with a post newer than their cursor (the channel lists' `last_post_at`) are
 * caught up first, and then the connection counts as up; the other linked channels are read
 * too, in the background, for edits, deletions and reactions (which do not move
 * `last_post_at`).
 */
export class MattermostWorkspace {
  readonly api: MattermostApi;
  botUserId = '';
  private socket: MattermostSocket;
  private readonly identity: SenderIdentity;
  private readonly log: Logger;
  /** Posts the bridge itself deleted: their deletion is not news to any other side. */
  private readonly ownDeletes = new BoundedSet<string>(MAX_OWN_DELETES);
  private readonly reactions: ReactionTracker;
  private readonly history: HistoryDeps;
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
  ) {
    this.api = new MattermostApi(config.url, config.token);
    this.identity = new SenderIdentity(this.api, config, ctx.logger, name);
    this.reactions = new ReactionTracker(ctx.reactions);
    this.log = ctx.logger.child({ workspace: name });
    this.history = {
      workspace: name,
      api: this.api,
      botUserId: () => this.botUserId,
      reactions: this.reactions,
      deletedByBridge: (postId) => this.ownDeletes.has(postId),
    };
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
      this.log,
    );
  }

  /**
   * Connects and resolves once the channels changed since the last run are caught up (or the
   * first connection attempt failed, or after START_WAIT_MS); the rest goes on in the
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
      }, START_WAIT_MS);
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

  /** Stops the socket (the core ended the catch-up before; it resumes at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.releaseStart?.();
    await this.socket.stop();
    this.socketUp = false;
    this.ctx.reportState(this.name, { status: 'stopped' });
  }

  /** One read of the core's catch-up of `link` (see postsSince). */
  fetchSince(
    link: LinkedChannel,
    cursor: string | undefined,
    limit: number,
  ): Promise<MessagesPage> {
    return postsSince(this.history, link, cursor, limit);
  }

  /** Whether posts can carry the Matrix sender's name and avatar (server settings). */
  useOverrides(): Promise<boolean> {
    return this.identity.useOverrides();
  }

  usernameOf(userId: string): Promise<string | undefined> {
    return this.identity.usernameOf(userId);
  }

  /**
   * In the socket's queue, before any event of this connection: has the core catch up every
   * linked channel (all marked pending now, so a live event waits for its channel's), the
   * changed ones in a round of their own that the connection's state waits for.
   */
  private async onConnected(): Promise<void> {
    if (!this.botUserId) this.botUserId = (await this.api.getMe()).id;
    const connection = ++this.connection;
    this.socketUp = true;
    const links = (await this.ctx.linkedChannels()).filter((c) => c.workspace === this.name);
    const { changed, quiet, idle } = await channelActivity(this.api, links, (channel) =>
      this.ctx.cursors.get({ workspace: this.name, channel }),
    );
    this.log.info(
      { linked: links.length, changed: changed.length, background: quiet.length, idle },
      'catching up on linked channels',
    );
    // Both rounds are planned now; neither is awaited here, so live events flow meanwhile.
    const first = this.ctx.catchUp(this.name, changed);
    if (quiet.length > 0) void this.ctx.catchUp(this.name, quiet).catch(this.catchUpFailed);
    void first
      .then(() => {
        if (this.socketUp && connection === this.connection && !this.stopping) {
          this.ctx.reportState(this.name, { status: 'connected' });
        }
      })
      .catch(this.catchUpFailed)
      .finally(() => this.releaseStart?.());
  }

  /** A round that could not even be planned (the linked channels could not be read). */
  private readonly catchUpFailed = (err: unknown): void => {
    this.log.error(
      { err: errorMessage(err) },
      'could not read the linked channels to catch up on them (is the database reachable?); the next connection tries again',
    );
  };

  /** Called before the bridge deletes a post, so the deletion is not bridged back. */
  noteOwnDelete(postId: string): void {
    this.ownDeletes.add(postId);
  }

  /**
   * A deletion seen live; the cursor moves past it. The bridge's own deletions stay noted
   * (not consumed): a catch-up may list the same deletion again.
   */
  private async deleted(post: Post): Promise<void> {
    if (!this.ownDeletes.has(post.id))
      return this.emit(deleteEvent(post, this.name), post.update_at);
    await this.advance(post.channel_id, post.update_at);
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
        if (e.event === 'post_deleted') return this.deleted(post);
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

  /**
   * Records the event durably (after its channel's catch-up: the core holds it till then),
   * then moves the channel's cursor past it.
   */
  private async emit(event: RemoteEvent, updateAt?: number): Promise<void> {
    if (!(await this.isLinked(event.channel))) return;
    await this.ctx.emit(event);
    if (updateAt !== undefined) this.move(event.channel, updateAt);
  }

  private async advance(channel: string, updateAt: number): Promise<void> {
    if (await this.isLinked(channel)) this.move(channel, updateAt);
  }

  /**
   * The channel's cursor is the newest `update_at` recorded, written behind by the core
   * (never back: the table compares decimal cursors; not while a catch-up has yet to run).
   */
  private move(channel: string, updateAt: number): void {
    this.ctx.cursors.advance({ workspace: this.name, channel }, String(updateAt));
  }

  private async isLinked(channel: string): Promise<boolean> {
    return findLink(await this.ctx.linkedChannels(), this.name, channel) !== undefined;
  }
}
