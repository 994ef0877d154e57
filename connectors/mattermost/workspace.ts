import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import type { ConnectorContext } from '../../src/connector/contract.js';
import type { ReactionEvent, RemoteEvent } from '../../src/connector/events.js';
import { RemoteApiError } from '../../src/connector/errors.js';
import { MattermostApi } from './api.js';
import type { WorkspaceConfig } from './config.js';
import { emojiNameToUnicode } from './format/index.js';
import { deleteEvent, editEvent, isSystemPost, messageEvent } from './inbound.js';
import { ReactionLedger } from './reaction-ledger.js';
import { MattermostSocket, type SocketEvent } from './socket.js';

const RESYNC_PAGE = 200;
const CONFIG_REFRESH_MS = 10 * 60 * 1000;

function parseJson<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

/**
 * One Mattermost server: its API client, its event socket, and the cursors that let a
 * reconnect pick up every post missed while disconnected.
 */
export class MattermostWorkspace {
  readonly api: MattermostApi;
  botUserId = '';
  private socket: MattermostSocket;
  private overridesAllowed = false;
  private configCheckedAt = 0;
  private readonly usernames = new Map<string, string>();
  private readonly cursors = new Map<string, number>();
  /** Posts the bridge itself deleted: their deletion is not news to any other side. */
  private readonly ownDeletes = new Set<string>();
  private readonly reactions: ReactionLedger;

  constructor(
    readonly name: string,
    private readonly config: WorkspaceConfig,
    private readonly ctx: ConnectorContext,
  ) {
    this.api = new MattermostApi(config.url, config.token);
    this.reactions = new ReactionLedger(ctx.storage, name);
    const log = ctx.logger.child({ workspace: name });
    this.socket = new MattermostSocket(
      config.url,
      config.token,
      {
        onConnected: () => this.onConnected(),
        onEvent: (e) => this.onSocketEvent(e),
        onDisconnected: (reason, authFailed) =>
          ctx.reportState(name, {
            status: authFailed ? 'bad_credentials' : 'retrying',
            error: reason,
          }),
      },
      log,
    );
  }

  async start(): Promise<void> {
    this.ctx.reportState(this.name, { status: 'connecting' });
    try {
      const me = await this.api.getMe();
      this.botUserId = me.id;
      await this.refreshIdentityMode(true);
    } catch (err) {
      const auth = err instanceof RemoteApiError && (err.status === 401 || err.status === 403);
      this.ctx.reportState(this.name, {
        status: auth ? 'bad_credentials' : 'retrying',
        error: auth
          ? 'the bot token was refused: check connectors.mattermost token'
          : (err as Error).message,
      });
    }
    this.socket.start();
  }

  async stop(): Promise<void> {
    await this.socket.stop();
    this.ctx.reportState(this.name, { status: 'stopped' });
  }

  /** Whether posts can carry the Matrix sender's name and avatar (server settings). */
  async useOverrides(): Promise<boolean> {
    await this.refreshIdentityMode(false);
    return this.overridesAllowed;
  }

  async usernameOf(userId: string): Promise<string | undefined> {
    const cached = this.usernames.get(userId);
    if (cached) return cached;
    const user = await this.api.getUser(userId).catch(() => undefined);
    if (user) this.usernames.set(userId, user.username);
    return user?.username;
  }

  private async refreshIdentityMode(force: boolean): Promise<void> {
    if (this.config.identity !== 'auto') {
      this.overridesAllowed = this.config.identity === 'override';
      return;
    }
    if (!force && Date.now() - this.configCheckedAt < CONFIG_REFRESH_MS) return;
    this.configCheckedAt = Date.now();
    try {
      const cfg = (await this.api.getClientConfig()) as Record<string, unknown>;
      const allowed = cfg.EnablePostUsernameOverride === 'true';
      if (allowed !== this.overridesAllowed) {
        this.ctx.logger.info(
          { workspace: this.name, overrides: allowed },
          allowed
            ? 'username override enabled: Matrix users post under their own names'
            : 'username override disabled on the server: Matrix senders are named in the message text (enable EnablePostUsernameOverride and EnablePostIconOverride to fix)',
        );
      }
      this.overridesAllowed = allowed;
    } catch {
      this.overridesAllowed = false;
    }
  }

  private async onConnected(): Promise<void> {
    if (!this.botUserId) this.botUserId = (await this.api.getMe()).id;
    await this.resync();
    this.ctx.reportState(this.name, { status: 'connected' });
  }

  /** Replays, in order, every post created, edited or deleted since each channel's cursor. */
  private async resync(): Promise<void> {
    const channels = (await this.ctx.linkedChannels()).filter((c) => c.workspace === this.name);
    for (const { channel, linkedAt } of channels) {
      // A channel never seen before starts where it was linked: no history import on link,
      // but nothing posted between linking and the first connection is lost either.
      let since = (await this.cursor(channel)) ?? linkedAt;
      for (;;) {
        const list = await this.api.getPostsSince(channel, since, false);
        const posts = Object.values(list.posts).sort(
          (a, b) => a.update_at - b.update_at || a.create_at - b.create_at,
        );
        if (posts.length === 0) break;
        for (const post of posts) await this.handlePost(post, since);
        const newest = posts[posts.length - 1] as Post;
        if (newest.update_at <= since || posts.length < RESYNC_PAGE) {
          since = Math.max(since, newest.update_at);
          break;
        }
        since = newest.update_at;
      }
    }
  }

  /** A post seen by resync: decide whether it is new, edited or deleted. */
  private async handlePost(post: Post, since: number): Promise<void> {
    if (post.delete_at > 0) return this.deleted(post);
    if (isSystemPost(post)) return this.advance(post.channel_id, post.update_at);
    if (!this.isOwn(post)) {
      if (post.create_at > since) await this.emit(await messageEvent(post, this.name, this.api));
      else if (post.edit_at > 0) await this.emit(await editEvent(post, this.name, this.api));
    }
    // Reactions added or removed while the bridge was away (also on the bridge's own posts).
    const { added, removed } = await this.reactions.reconcile(post, this.botUserId);
    for (const r of added) await this.emit(this.reactionEvent(r, post.channel_id, true));
    for (const r of removed) {
      await this.emit({
        ...this.reactionEvent(
          {
            post_id: post.id,
            user_id: r.userId,
            emoji_name: r.emojiName,
            create_at: post.update_at,
          },
          post.channel_id,
          false,
        ),
        eventKey: `unreact:${post.id}:${r.userId}:${r.emojiName}:resync:${post.update_at}`,
      });
    }
    await this.advance(post.channel_id, post.update_at);
  }

  /** Called before the bridge deletes a post, so the deletion is not bridged back. */
  noteOwnDelete(postId: string): void {
    if (this.ownDeletes.size >= 10_000) this.ownDeletes.clear();
    this.ownDeletes.add(postId);
  }

  private deleted(post: Post): Promise<void> {
    if (this.ownDeletes.delete(post.id)) return this.advance(post.channel_id, post.update_at);
    return this.emit(deleteEvent(post, this.name), post.update_at);
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
        await this.emit(this.reactionEvent(reaction, channel, added));
        const ref = { userId: reaction.user_id, emojiName: reaction.emoji_name };
        return this.reactions.note(reaction.post_id, ref, added);
      }
      default:
        this.ctx.logger.trace({ workspace: this.name, event: e.event }, 'ignoring WebSocket event');
    }
  }

  private reactionEvent(
    r: Pick<Reaction, 'post_id' | 'user_id' | 'emoji_name' | 'create_at'>,
    channel: string,
    added: boolean,
  ): ReactionEvent {
    return {
      kind: added ? 'reaction' : 'reaction_remove',
      workspace: this.name,
      channel,
      eventKey: `${added ? 'react' : 'unreact'}:${r.post_id}:${r.user_id}:${r.emoji_name}:${r.create_at}`,
      ts: r.create_at,
      messageId: r.post_id,
      sender: { userId: r.user_id },
      key: emojiNameToUnicode(r.emoji_name) ?? `:${r.emoji_name}:`,
    };
  }

  /** Records the event durably, then moves the channel's cursor past it. */
  private async emit(event: RemoteEvent, updateAt?: number): Promise<void> {
    if (!(await this.isLinked(event.channel))) return;
    await this.ctx.emit(event);
    if (updateAt !== undefined) await this.moveCursor(event.channel, updateAt);
  }

  private async advance(channel: string, updateAt: number): Promise<void> {
    if (await this.isLinked(channel)) await this.moveCursor(channel, updateAt);
  }

  /** Cursors live in memory and are written through only when they move forward. */
  private async cursor(channel: string): Promise<number | undefined> {
    if (!this.cursors.has(channel)) {
      const stored = await this.ctx.storage.get(`cursor:${this.name}:${channel}`);
      if (stored === undefined) return undefined;
      this.cursors.set(channel, Number(stored));
    }
    return this.cursors.get(channel);
  }

  private async moveCursor(channel: string, updateAt: number): Promise<void> {
    if (updateAt <= ((await this.cursor(channel)) ?? 0)) return;
    this.cursors.set(channel, updateAt);
    await this.ctx.storage.set(`cursor:${this.name}:${channel}`, String(updateAt));
  }

  private async isLinked(channel: string): Promise<boolean> {
    return (await this.ctx.linkedChannels()).some(
      (c) => c.workspace === this.name && c.channel === channel,
    );
  }
}
