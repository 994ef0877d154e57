/**
 * Test-side control of the simulator: shape the tenant, act as users without going through
 * an API (for setup), and read what Teams would show. Everything a connector does goes
 * through the HTTP services instead.
 */
import type { Sim } from './context.js';
import type { ChannelDelivery } from './delivery.js';
import { escapeHtml } from './convert.js';
import { toGraphMessage } from './graph-shapes.js';
import { guid } from './ids.js';
import type { SimConversation, SimMention, SimMessage, SimUser } from './state.js';

export interface UserOptions {
  displayName: string;
  givenName?: string;
  surname?: string;
  upn?: string;
  photo?: { data: Buffer; mimetype: string };
}

export class Control {
  constructor(
    private readonly sim: Sim,
    private readonly delivery: ChannelDelivery,
    private readonly redirectUris: Map<string, Set<string>>,
  ) {}

  createTenant(): string {
    return guid();
  }

  createUser(tenantId: string, o: UserOptions): SimUser {
    const user = this.sim.state.addUser(tenantId, o);
    if (o.photo) this.setPhoto(user.id, o.photo.data, o.photo.mimetype);
    return user;
  }

  setPhoto(userId: string, data: Buffer, mimetype: string): void {
    this.sim.state.user(userId).photo = { data, mimetype, etag: guid() };
  }

  createApp(
    tenantId: string,
    o: { displayName: string; password: string; endpoint?: string },
  ): { appId: string; password: string } {
    const app = this.sim.state.addApp(tenantId, o.displayName, o.password);
    app.endpoint = o.endpoint;
    return { appId: app.appId, password: app.password };
  }

  setEndpoint(appId: string, endpoint: string | undefined): void {
    this.app(appId).endpoint = endpoint;
  }

  registerRedirectUri(appId: string, uri: string): void {
    this.app(appId);
    let set = this.redirectUris.get(appId);
    if (!set) this.redirectUris.set(appId, (set = new Set()));
    set.add(uri);
  }

  setApplicationPermission(appId: string, permission: string, granted: boolean): void {
    const perms = this.app(appId).applicationPermissions;
    if (granted) perms.add(permission);
    else perms.delete(permission);
  }

  createTeam(
    tenantId: string,
    displayName: string,
    members: string[] = [],
    description = '',
  ): { teamId: string; generalChannelId: string } {
    const { team, general } = this.sim.state.addTeam(tenantId, displayName, description);
    for (const m of members) team.members.add(m);
    return { teamId: team.id, generalChannelId: general.id };
  }

  addTeamMember(teamId: string, userId: string): void {
    this.sim.state.team(teamId).members.add(userId);
  }

  createChannel(
    teamId: string,
    displayName: string,
    o: {
      description?: string;
      migrationMode?: boolean;
      /** `private`/`shared`: only `members` (team members) are in it. */
      membershipType?: 'standard' | 'private' | 'shared';
      members?: string[];
    } = {},
  ): string {
    const conv = this.sim.state.addChannel(teamId, displayName, o.description);
    conv.migrationMode = o.migrationMode ?? false;
    if (o.membershipType) conv.membershipType = o.membershipType;
    for (const m of o.members ?? []) conv.members.add(m);
    return conv.id;
  }

  createChat(tenantId: string, memberIds: string[], topic: string): string {
    return this.sim.state.addChat(tenantId, memberIds, topic).id;
  }

  /** The bot's one-to-one chat with a user (installing the bot for them); returns its `a:…` id. */
  createPersonalChat(userId: string, appId: string): string {
    return this.sim.state.addPersonalChat(userId, appId).id;
  }

  /** Installs the bot in a team (all its channels) or a chat; `rsc` grants the RSC message permissions. */
  installBot(appId: string, scopeId: string, o: { rsc?: boolean } = {}): void {
    this.sim.state.install(scopeId, appId, o.rsc ?? true);
  }

  /** A delegated Graph token for `userId` through `appId` (as if the user had signed in). */
  userToken(userId: string, appId: string, scopes?: string[]): string {
    const app = this.app(appId);
    const user = this.sim.state.user(userId);
    return this.sim.auth.issue({
      kind: 'delegated',
      audience: 'graph',
      appId,
      tenantId: user.tenantId,
      userId,
      scopes: new Set(scopes ?? app.delegatedPermissions),
    }).accessToken;
  }

  /** Posts as a user; `mentions` are user ids written as `<at>Name</at>` at the end. */
  post(
    userId: string,
    conversationId: string,
    text: string,
    o: { replyTo?: string; mentions?: string[]; html?: boolean } = {},
  ): string {
    const conv = this.conv(conversationId);
    let html = o.html ? text : `<p>${escapeHtml(text)}</p>`;
    const mentions: SimMention[] = (o.mentions ?? []).map((id, i) => {
      const u = this.sim.state.user(id);
      html += ` <at id="${i}">${escapeHtml(u.displayName)}</at>`;
      return { id: i, mentionText: u.displayName, userId: id };
    });
    return this.sim.state.post({
      conversationId: conv.id,
      from: { kind: 'user', userId },
      html,
      mentions,
      replyToId: conv.kind === 'channel' ? o.replyTo : undefined,
    }).id;
  }

  edit(messageId: string, text: string): void {
    this.sim.state.edit(this.message(messageId), `<p>${escapeHtml(text)}</p>`, []);
  }

  remove(messageId: string): void {
    this.sim.state.softDelete(this.message(messageId));
  }

  react(userId: string, messageId: string, reactionType: string): void {
    this.sim.state.react(this.message(messageId), userId, reactionType);
  }

  unreact(userId: string, messageId: string, reactionType: string): void {
    this.sim.state.unreact(this.message(messageId), userId, reactionType);
  }

  /** Graph-shaped messages of a conversation (replies included), oldest first, deleted ones left out. */
  messages(conversationId: string): Array<Record<string, unknown>> {
    return this.sim.state
      .messagesIn(this.conv(conversationId).id)
      .filter((m) => m.deleted === undefined)
      .map((m) => toGraphMessage(this.sim, m));
  }

  message(id: string): SimMessage {
    const m = this.sim.state.messages.get(id);
    if (!m) throw new Error(`no message ${id}`);
    return m;
  }

  /** Stores a file as the Bot Connector keeps one a user sent to a bot; returns its contentUrl. */
  addBotAttachment(data: Buffer, mimetype: string): string {
    const id = `0-amer-${guid().replace(/-/g, '')}`;
    this.sim.state.botAttachments.set(id, { data, mimetype });
    return `${this.sim.serviceUrl()}v3/attachments/${id}/views/original`;
  }

  /** Makes Graph's file content answers redirect to `location` (a hostile store); undefined resets. */
  redirectDownloads(location: string | undefined): void {
    this.sim.state.downloadRedirect = location;
  }

  /** Bytes of a SharePoint/OneDrive file by its web URL. */
  file(webUrl: string): { name: string; data: Buffer; mimetype: string } | undefined {
    const item = [...this.sim.state.driveItems.values()].find((i) => i.webUrl === webUrl);
    return item && { name: item.name, data: item.data, mimetype: item.mimetype };
  }

  deliveries() {
    return this.delivery.records.map((r) => ({ ...r }));
  }

  private app(appId: string) {
    const app = this.sim.state.apps.get(appId);
    if (!app) throw new Error(`no app ${appId}`);
    return app;
  }

  private conv(id: string): SimConversation {
    return (
      this.sim.state.conversations.get(id) ??
      this.sim.state.byGraphId(id) ??
      this.sim.state.conversation(id)
    );
  }
}
