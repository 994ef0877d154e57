import type { Logger } from 'pino';
import {
  connectionProblem,
  type ConnectionState,
  type ConnectorContext,
  type LinkedChannel,
  type MessagesPage,
  PageBuilder,
  RemoteApiError,
  findLink,
  BoundedMap,
} from '../../src/connector/index.js';
import { RocketChatApi } from './api.js';
import type { WorkspaceConfig } from './config.js';
import { DdpClient } from './ddp.js';
import { IdentityPolicy } from './identity.js';
import { isRocketId } from './ids.js';
import { MessageIntake } from './intake.js';
import { changesSince } from './history.js';
import type { WireRoom, WireUserInfo } from './types.js';
import { UserDirectory } from './users.js';

const LINK_REFRESH_MS = 15_000;
/** Catch-up starts this much before the cursor: changes can reach the stream slightly out of order. */
const RESYNC_OVERLAP_MS = 10_000;
const ROOMS = 'stream-room-messages';
const NOTIFY = 'stream-notify-room';

/**
 * One Rocket.Chat server: REST client, DDP realtime, per-room subscriptions for linked rooms,
 * cursors, and catch-up of what was missed while disconnected.
 */
export class RocketChatWorkspace {
  readonly api: RocketChatApi;
  readonly users: UserDirectory;
  readonly identity: IdentityPolicy;
  botUserId = '';
  botUsername = '';
  private botRoles: string[] = [];
  private readonly ddp: DdpClient;
  private readonly intake: MessageIntake;
  private readonly log: Logger;
  private readonly rooms = new BoundedMap<string, WireRoom>(1000);
  private linkTimer: NodeJS.Timeout | undefined;
  /** Rooms subscribed and caught up on the current connection. */
  private readonly followed = new Set<string>();
  private readonly unfollowable = new Set<string>();
  private connected = false;

  constructor(
    readonly name: string,
    private readonly config: WorkspaceConfig,
    private readonly ctx: ConnectorContext,
  ) {
    this.log = ctx.logger.child({ workspace: name });
    this.api = new RocketChatApi(config.url, config.user_id, config.token);
    this.users = new UserDirectory(this.api);
    this.identity = new IdentityPolicy(config.identity ?? 'auto', this.api, this.log, () =>
      this.reportConnected(),
    );
    this.intake = new MessageIntake(name, ctx, this.users, this.log, () => ({
      id: this.botUserId,
      username: this.botUsername,
    }));
    this.ddp = new DdpClient(
      config.url,
      config.token,
      {
        onReady: () => this.onReady(),
        onStreamEvent: (c, e, a) => this.onStreamEvent(c, e, a),
        onDisconnected: (reason, authFailed) => {
          this.connected = false;
          ctx.reportState(name, this.problem(authFailed, reason));
        },
      },
      this.log,
    );
  }

  async start(): Promise<void> {
    this.ctx.reportState(this.name, { status: 'connecting' });
    try {
      await this.loadBot();
    } catch (err) {
      const auth = err instanceof RemoteApiError && err.status === 401;
      const reason = auth ? 'Rocket.Chat refused the bot credentials' : (err as Error).message;
      this.ctx.reportState(this.name, this.problem(auth, reason));
    }
    this.ddp.start();
    this.linkTimer = setInterval(() => this.ddp.run(() => this.refreshLinks()), LINK_REFRESH_MS);
    this.linkTimer.unref();
  }

  /** A failed connection, naming the config keys to check and the server's URL. */
  private problem(authFailed: boolean, reason: string): ConnectionState {
    const where = { credentialKeys: 'user_id and token', urlKey: 'url', url: this.config.url };
    return connectionProblem(this.ctx.connectorId, this.name, { authFailed, reason, ...where });
  }

  async stop(): Promise<void> {
    clearInterval(this.linkTimer);
    await this.ddp.stop();
    this.connected = false;
    this.ctx.reportState(this.name, { status: 'stopped' });
  }

  private async loadBot(): Promise<void> {
    const me = await this.api.get<WireUserInfo>('me');
    if (!isRocketId(me._id) || typeof me.username !== 'string')
      throw new Error('Rocket.Chat /me answered without an id');
    this.botUserId = me._id;
    this.botUsername = me.username;
    this.botRoles = Array.isArray(me.roles)
      ? me.roles.filter((r): r is string => typeof r === 'string')
      : [];
  }

  async impersonate(): Promise<boolean> {
    return this.identity.impersonate(this.botRoles);
  }

  private reportConnected(): void {
    if (!this.connected) return;
    const warning = this.identity.warning();
    this.ctx.reportState(
      this.name,
      warning ? { status: 'connected', error: warning } : { status: 'connected' },
    );
  }

  private async onReady(): Promise<void> {
    if (!this.botUserId) await this.loadBot();
    await this.impersonate();
    // Subscriptions belong to the connection: a new one follows every room again.
    this.followed.clear();
    this.connected = true;
    await this.refreshLinks();
    this.reportConnected();
  }

  /** Subscribes to every linked room not yet subscribed, then has the core catch up on them. */
  private async refreshLinks(): Promise<void> {
    if (!this.connected) return;
    const links = (await this.ctx.linkedChannels()).filter((l) => l.workspace === this.name);
    const followed: string[] = [];
    for (const link of links) {
      if (this.followed.has(link.channel)) continue;
      const results = await Promise.all([
        this.ddp.subscribe(ROOMS, link.channel),
        this.ddp.subscribe(NOTIFY, `${link.channel}/deleteMessage`),
        this.ddp.subscribe(NOTIFY, `${link.channel}/deleteMessageBulk`),
      ]);
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) {
        // Retried at every refresh; said once until it works.
        const first = !this.unfollowable.has(link.channel);
        this.unfollowable.add(link.channel);
        this.log[first ? 'warn' : 'debug'](
          { channel: link.channel, reason: failed.reason },
          'cannot follow a linked room (is the bot a member?)',
        );
        continue;
      }
      followed.push(link.channel);
      this.unfollowable.delete(link.channel);
    }
    if (followed.length === 0) return;
    await this.ctx.catchUp(this.name, followed);
    for (const channel of followed) this.followed.add(channel);
  }

  /**
   * What changed in a room since its cursor (or since it was linked), for the core's
   * catch-up: every change to the end in one page, so the cursor moves only once all of it is
   * recorded (the core records it by time, so messages in the order they were written).
   */
  async fetchSince(link: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    const after = cursor === undefined ? Number.NaN : Number(cursor);
    const since = Number.isFinite(after)
      ? Math.max(link.linkedAt - 1, after - RESYNC_OVERLAP_MS)
      : link.linkedAt - 1;
    const changes = await changesSince(this.api, link.channel, since);
    const page = new PageBuilder();
    let newest = Number.isFinite(after) ? after : since;
    for (const change of changes) {
      const found =
        change.kind === 'updated'
          ? await this.intake.changesOf(change.message, link)
          : this.intake.deletion(link.channel, change.id, change.time);
      if (found) page.add(found.events, found.commit);
      newest = Math.max(newest, change.time);
    }
    return page.page(String(newest), false);
  }

  private async onStreamEvent(
    collection: string,
    eventName: string,
    args: unknown[],
  ): Promise<void> {
    if (collection === ROOMS) {
      const link = await this.link(eventName);
      const message = args[0];
      if (!link || typeof message !== 'object' || message === null) return;
      return this.intake.message(message, link);
    }
    if (collection !== NOTIFY) return;
    const [rid, event] = eventName.split('/');
    const link = rid ? await this.link(rid) : undefined;
    if (!link) return;
    if (event === 'deleteMessage') {
      const id = (args[0] as { _id?: unknown } | undefined)?._id;
      if (isRocketId(id)) await this.intake.deleted(link.channel, id);
    } else if (event === 'deleteMessageBulk') {
      // A pruned range: the server names no messages, so ask which ones went.
      await this.ctx.catchUp(this.name, [link.channel]);
    }
  }

  private async link(channel: string): Promise<LinkedChannel | undefined> {
    return findLink(await this.ctx.linkedChannels(), this.name, channel);
  }

  noteOwnDelete(messageId: string): void {
    this.intake.noteOwnDelete(messageId);
  }

  /** `fresh`: ask the server even if cached (a room's type can change: public ↔ private). */
  async room(rid: string, fresh = false): Promise<WireRoom> {
    const cached = fresh ? undefined : this.rooms.get(rid);
    if (cached) return cached;
    const res = await this.api.get<{ room?: WireRoom }>('rooms.info', { roomId: rid });
    const room = res.room ?? {};
    this.rooms.set(rid, room);
    return room;
  }

  /** A link that makes Rocket.Chat quote `messageId` (the permalink its clients copy). */
  async quoteLink(rid: string, messageId: string): Promise<string | undefined> {
    const room = await this.room(rid).catch(() => undefined);
    if (!room?.name) return undefined;
    const kind = room.t === 'p' ? 'group' : 'channel';
    return `${this.api.baseUrl}/${kind}/${encodeURIComponent(room.name)}?msg=${encodeURIComponent(messageId)}`;
  }
}
