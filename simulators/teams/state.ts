/**
 * The simulated tenant(s): users, the bot app registrations, teams with channels, chats, the
 * messages in them (kept in Microsoft Graph's chatMessage terms) and SharePoint/OneDrive
 * files. Every change is announced to listeners, which is how the simulated Teams channel
 * knows what to POST to bots.
 */
import { botFrameworkBotId, botFrameworkUserId, guid, messageId, threadId } from './ids.js';
import type {
  Author,
  Change,
  Install,
  SimApp,
  SimAttachment,
  SimConversation,
  SimDriveItem,
  SimMention,
  SimMessage,
  SimTeam,
  SimUser,
} from './model.js';

export type * from './model.js';

export class SimState {
  readonly users = new Map<string, SimUser>();
  readonly apps = new Map<string, SimApp>();
  readonly teams = new Map<string, SimTeam>();
  readonly conversations = new Map<string, SimConversation>();
  /** Installs by team id or chat conversation id. */
  readonly installs = new Map<string, Map<string, Install>>();
  readonly messages = new Map<string, SimMessage>();
  readonly driveItems = new Map<string, SimDriveItem>();
  /** Drive id of each team (channel folders) and user (OneDrive). */
  readonly drives = new Map<string, { id: string; rootId: string; owner: string }>();
  /** Files users sent to bots, served at the Bot Connector's `/v3/attachments/{id}/views/original`. */
  readonly botAttachments = new Map<string, { data: Buffer; mimetype: string }>();
  /** Test hook: where file content downloads redirect instead of the pre-authenticated link. */
  downloadRedirect: string | undefined;
  private readonly listeners: Array<(c: Change) => void> = [];

  constructor(readonly baseUrl: () => string) {}

  onChange(listener: (c: Change) => void): void {
    this.listeners.push(listener);
  }

  private announce(c: Change): void {
    for (const l of this.listeners) l(c);
  }

  addUser(
    tenantId: string,
    o: { displayName: string; givenName?: string; surname?: string; upn?: string },
  ): SimUser {
    const id = guid();
    const user: SimUser = {
      id,
      tenantId,
      displayName: o.displayName,
      givenName: o.givenName,
      surname: o.surname,
      userPrincipalName:
        o.upn ??
        `${o.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@${tenantId.slice(0, 8)}.example`,
      bfId: botFrameworkUserId(id),
    };
    this.users.set(id, user);
    return user;
  }

  addApp(tenantId: string, displayName: string, password: string): SimApp {
    const app: SimApp = {
      appId: guid(),
      tenantId,
      password,
      displayName,
      applicationPermissions: new Set([
        'User.Read.All',
        'Team.ReadBasic.All',
        'Channel.ReadBasic.All',
        'Files.ReadWrite.All',
      ]),
      delegatedPermissions: new Set([
        'User.Read',
        'ChannelMessage.Send',
        'ChannelMessage.ReadWrite',
        'ChatMessage.Send',
        'Chat.ReadWrite',
        'Files.ReadWrite',
        'offline_access',
      ]),
    };
    this.apps.set(app.appId, app);
    return app;
  }

  addTeam(
    tenantId: string,
    displayName: string,
    description = '',
  ): { team: SimTeam; general: SimConversation } {
    const internalId = threadId('channel');
    const team: SimTeam = {
      id: guid(),
      tenantId,
      displayName,
      description,
      internalId,
      members: new Set(),
    };
    this.teams.set(team.id, team);
    this.newDrive(team.id, `${this.baseUrl()}/sites/${team.id}/Shared%20Documents`);
    const general = this.addChannel(team.id, 'General', '', internalId);
    return { team, general };
  }

  addChannel(
    teamId: string,
    displayName: string,
    description = '',
    id = threadId('channel'),
  ): SimConversation {
    const team = this.team(teamId);
    const drive = this.drives.get(teamId)!;
    const folder = this.addDriveItem(
      drive.id,
      drive.rootId,
      displayName,
      Buffer.alloc(0),
      '',
      true,
    );
    const conv: SimConversation = {
      id,
      graphId: id,
      kind: 'channel',
      tenantId: team.tenantId,
      teamId,
      displayName,
      description,
      members: new Set(),
      migrationMode: false,
      folderId: folder.id,
    };
    this.conversations.set(id, conv);
    return conv;
  }

  addChat(tenantId: string, memberIds: string[], topic: string): SimConversation {
    const id = threadId('chat');
    const conv: SimConversation = {
      id,
      graphId: id,
      kind: 'group',
      tenantId,
      displayName: topic,
      description: '',
      members: new Set(memberIds),
      migrationMode: false,
    };
    this.conversations.set(id, conv);
    return conv;
  }

  /** The one-to-one chat between a user and a bot (`a:…` for the bot, a `@unq.gbl.spaces` chat in Graph). */
  addPersonalChat(userId: string, appId: string): SimConversation {
    const user = this.user(userId);
    const conv: SimConversation = {
      id: `a:${guid().replace(/-/g, '')}`,
      graphId: `19:${userId}_${appId}@unq.gbl.spaces`,
      kind: 'personal',
      tenantId: user.tenantId,
      displayName: '',
      description: '',
      members: new Set([userId]),
      migrationMode: false,
    };
    this.conversations.set(conv.id, conv);
    this.install(conv.id, appId, true);
    return conv;
  }

  install(scopeId: string, appId: string, rsc: boolean): void {
    let map = this.installs.get(scopeId);
    if (!map) this.installs.set(scopeId, (map = new Map()));
    map.set(appId, { appId, rsc });
    const convs = this.teams.has(scopeId)
      ? [...this.conversations.values()].filter((c) => c.teamId === scopeId)
      : [this.conversation(scopeId)];
    for (const conversation of convs) {
      if (
        conversation.teamId &&
        conversation.id !== this.teams.get(conversation.teamId)?.internalId
      )
        continue;
      this.announce({ kind: 'installed', conversation, appId, at: Date.now() });
    }
  }

  /** The app's install covering a conversation (team install for channels). */
  installFor(conv: SimConversation, appId: string): Install | undefined {
    return this.installs.get(conv.teamId ?? conv.id)?.get(appId);
  }

  appsIn(conv: SimConversation): Install[] {
    return [...(this.installs.get(conv.teamId ?? conv.id)?.values() ?? [])];
  }

  isMember(conv: SimConversation, userId: string): boolean {
    const ownMembers = !conv.teamId || (conv.membershipType ?? 'standard') !== 'standard';
    return ownMembers ? conv.members.has(userId) : this.team(conv.teamId!).members.has(userId);
  }

  /** Who is in a conversation: a standard channel's team, else its own members. */
  membersOf(conv: SimConversation): string[] {
    return [...this.users.keys()].filter((id) => this.isMember(conv, id));
  }

  user(id: string): SimUser {
    const u = this.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    return u;
  }

  team(id: string): SimTeam {
    const t = this.teams.get(id);
    if (!t) throw new Error(`no team ${id}`);
    return t;
  }

  conversation(id: string): SimConversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`no conversation ${id}`);
    return c;
  }

  /** Finds a conversation by its Graph id (channel id or chat id). */
  byGraphId(graphId: string): SimConversation | undefined {
    for (const c of this.conversations.values()) if (c.graphId === graphId) return c;
    return undefined;
  }

  post(m: {
    conversationId: string;
    from: Author;
    html: string;
    replyToId?: string;
    mentions?: SimMention[];
    attachments?: SimAttachment[];
    hostedContents?: Map<string, { data: Buffer; mimetype: string }>;
    created?: number;
    /** Runs once the id is known, before anyone hears of the message (e.g. hosted content URLs). */
    prepare?: (m: SimMessage) => void;
  }): SimMessage {
    // Imported history keeps its own time; ids stay unique (Teams ids are the creation ms).
    let id = m.created === undefined ? messageId() : String(m.created);
    while (this.messages.has(id)) id = String(Number(id) + 1);
    const created = Number(id);
    const msg: SimMessage = {
      id,
      conversationId: m.conversationId,
      replyToId: m.replyToId,
      from: m.from,
      html: m.html,
      mentions: m.mentions ?? [],
      attachments: m.attachments ?? [],
      hostedContents: m.hostedContents ?? new Map(),
      reactions: [],
      created,
      modified: created,
    };
    m.prepare?.(msg);
    this.messages.set(id, msg);
    if (m.replyToId) this.touch(this.messages.get(m.replyToId), created);
    this.announce({ kind: 'message', message: msg, at: created });
    return msg;
  }

  edit(
    msg: SimMessage,
    html: string,
    mentions: SimMention[],
    attachments?: SimAttachment[],
    prepare?: (m: SimMessage) => void,
  ): void {
    const at = this.tick(msg);
    msg.html = html;
    msg.mentions = mentions;
    if (attachments) msg.attachments = attachments;
    msg.edited = at;
    prepare?.(msg);
    this.touchRoot(msg, at);
    this.announce({ kind: 'edit', message: msg, at });
  }

  softDelete(msg: SimMessage): void {
    const at = this.tick(msg);
    msg.deleted = at;
    msg.reactions = [];
    this.touchRoot(msg, at);
    this.announce({ kind: 'delete', message: msg, at });
  }

  react(msg: SimMessage, userId: string, reactionType: string): boolean {
    if (msg.reactions.some((r) => r.userId === userId && r.reactionType === reactionType))
      return false;
    const at = this.tick(msg);
    msg.reactions.push({ reactionType, userId, created: at });
    this.touchRoot(msg, at);
    this.announce({ kind: 'reaction', message: msg, userId, reactionType, at });
    return true;
  }

  unreact(msg: SimMessage, userId: string, reactionType: string): boolean {
    const i = msg.reactions.findIndex(
      (r) => r.userId === userId && r.reactionType === reactionType,
    );
    if (i < 0) return false;
    const at = this.tick(msg);
    msg.reactions.splice(i, 1);
    this.touchRoot(msg, at);
    this.announce({ kind: 'unreaction', message: msg, userId, reactionType, at });
    return true;
  }

  /** Messages of a conversation (roots and replies), oldest first. */
  messagesIn(conversationId: string): SimMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.conversationId === conversationId)
      .sort((a, b) => a.created - b.created);
  }

  addDriveItem(
    driveId: string,
    parentId: string | undefined,
    name: string,
    data: Buffer,
    mimetype: string,
    folder = false,
  ): SimDriveItem {
    const parent = parentId ? this.driveItems.get(parentId) : undefined;
    const path = `${parent?.webUrl ?? this.baseUrl()}/${encodeURIComponent(name)}`;
    // Uploading to an existing name replaces the file (conflictBehavior "replace").
    const existing = [...this.driveItems.values()].find(
      (i) => i.parentId === parentId && i.driveId === driveId && i.name === name,
    );
    const item: SimDriveItem = {
      id: existing?.id ?? guid(),
      driveId,
      parentId,
      name,
      folder,
      data,
      mimetype,
      webUrl: path,
      eTagGuid: existing?.eTagGuid ?? guid().toUpperCase(),
      created: existing?.created ?? Date.now(),
    };
    this.driveItems.set(item.id, item);
    return item;
  }

  /** The user's OneDrive, created on first use. */
  userDrive(userId: string): { id: string; rootId: string } {
    return (
      this.drives.get(userId) ??
      this.newDrive(userId, `${this.baseUrl()}/personal/${userId}/Documents`)
    );
  }

  private newDrive(owner: string, webUrl: string): { id: string; rootId: string; owner: string } {
    const drive = { id: `b!${guid().replace(/-/g, '')}`, rootId: guid(), owner };
    this.drives.set(owner, drive);
    this.driveItems.set(drive.rootId, {
      id: drive.rootId,
      driveId: drive.id,
      name: 'root',
      folder: true,
      data: Buffer.alloc(0),
      mimetype: '',
      webUrl,
      eTagGuid: guid().toUpperCase(),
      created: Date.now(),
    });
    return drive;
  }

  botId(appId: string): string {
    return botFrameworkBotId(appId);
  }

  /** A modification time strictly after the message's last one (ms resolution). */
  private tick(msg: SimMessage): number {
    const at = Math.max(Date.now(), msg.modified + 1);
    msg.modified = at;
    return at;
  }

  private touch(msg: SimMessage | undefined, at: number): void {
    if (msg) msg.modified = Math.max(msg.modified, at);
  }

  /** Graph updates a root's lastModifiedDateTime when its replies or reactions change. */
  private touchRoot(msg: SimMessage, at: number): void {
    if (msg.replyToId) this.touch(this.messages.get(msg.replyToId), at);
  }
}
