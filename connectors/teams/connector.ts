import {
  BridgeError,
  type ChannelRef,
  type ChatInfo,
  type Connector,
  type DeclaredCapabilities,
  type ConnectorContext,
  type Download,
  type LinkedChannel,
  type MatrixSenderIdentity,
  type MessagesPage,
  type OutboundMessage,
  RemoteApiError,
  type RemoteChannelSummary,
  type RemoteUserInfo,
  type SentMessage,
  UnsupportedError,
  WorkspaceRegistry,
} from '../../src/connector/index.js';
import { ActivityTokenVerifier } from './auth/activity-jwt.js';
import { resolveConfig, type TeamsConfig } from './config.js';
import { createFetch, type Fetch } from './http.js';
import { downloadTeamsFile } from './files.js';
import { messagingHandler } from './messaging.js';
import { TeamsWorkspace } from './workspace.js';

const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

/**
 * Microsoft Teams for tenant accounts: a Bot Framework bot for receiving and sending, Graph
 * for profiles, history, files, and for users who link their account (see docs/teams.md).
 */
export class TeamsConnector implements Connector {
  private readonly config: TeamsConfig;
  private readonly workspaces: WorkspaceRegistry<TeamsWorkspace>;
  private readonly doFetch: Fetch;
  private readonly verifier: ActivityTokenVerifier;
  private webhookBase: string | undefined;
  private accepting = false;

  constructor(
    private readonly ctx: ConnectorContext,
    raw: TeamsConfig,
  ) {
    this.config = resolveConfig(raw);
    this.doFetch = createFetch(this.config.extra_ca_certs);
    this.verifier = new ActivityTokenVerifier({
      metadataUrl: this.config.openid_metadata_url,
      issuer: this.config.token_issuer,
      audiences: Object.values(this.config.workspaces).map((w) => w.app_id),
      fetch: this.doFetch,
    });
    this.workspaces = new WorkspaceRegistry('Teams', 'teams', this.config.workspaces, (name) => {
      const account = this.config.workspaces[name]!;
      const redirectUri = () => `${this.base()}/oauth/callback`;
      return new TeamsWorkspace(name, account, this.config, ctx, this.doFetch, redirectUri);
    });
  }

  private base(): string {
    if (!this.webhookBase)
      throw new BridgeError('TEAMS_NOT_STARTED', 'the Teams connector has not started');
    return this.webhookBase;
  }

  async start(): Promise<void> {
    const results = await Promise.all(this.workspaces.all().map((w) => w.start()));
    // A bot whose credentials are refused everywhere cannot answer anything: take no activities.
    if (results.every((r) => r === 'bad_credentials')) return;
    await this.verifier
      .preload()
      .catch((err: unknown) =>
        this.ctx.logger.warn(
          { err: (err as Error).message },
          'could not load the Bot Framework signing keys yet; will retry on the first activity',
        ),
      );
    this.webhookBase ??= this.ctx.registerWebhook(
      messagingHandler({
        verifier: this.verifier,
        workspaces: () => this.workspaces.all(),
        log: this.ctx.logger,
        accepting: () => this.accepting,
      }),
    );
    const now = Date.now();
    for (const w of this.workspaces.all()) w.acceptingFrom(now);
    this.accepting = true;
    this.ctx.logger.info(
      { endpoint: `${this.webhookBase}/messages` },
      'Teams messaging endpoint ready',
    );
  }

  async stop(): Promise<void> {
    this.accepting = false;
    await this.workspaces.stopAll();
  }

  capabilities(): DeclaredCapabilities {
    // Outbound reactions exist only for linked users (Graph setReaction is delegated-only):
    // the core passes the reacting Matrix user as `actor`.
    return {
      actorReactions: true,
      threads: true,
      maxTextLength: 28_000,
    };
  }

  /** The core's catch-up reads what a conversation missed through this (Graph, by change time). */
  fetchMessagesSince(channel: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    return this.ws(channel.workspace).fetchSince(channel, cursor);
  }

  private ws(name: string): TeamsWorkspace {
    return this.workspaces.get(name);
  }

  getChatInfo(ref: ChannelRef): Promise<ChatInfo> {
    return this.ws(ref.workspace).d.directory.chatInfo(ref.channel);
  }

  async getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo> {
    const d = this.ws(workspace).d;
    try {
      const user = await d.graph.user(userId);
      const avatarId = await d.graph.photoTag(userId).catch(() => undefined);
      return { displayName: user.displayName || d.members.nameOf(userId) || userId, avatarId };
    } catch (err) {
      const name = d.members.nameOf(userId);
      if (name && err instanceof RemoteApiError && !err.retryable) return { displayName: name };
      throw err;
    }
  }

  /** The handle only tells the core when the photo changed; Graph serves the current one. */
  downloadAvatar(workspace: string, userId: string, _avatarId?: string): Promise<Download> {
    return this.ws(workspace).d.graph.photo(userId, MAX_AVATAR_BYTES);
  }

  async sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage> {
    return { messageIds: await this.ws(ref.workspace).sender.send(ref.channel, message) };
  }

  editMessage(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void> {
    return this.ws(ref.workspace).sender.edit(ref.channel, messageId, message);
  }

  deleteMessage(ref: ChannelRef, messageId: string): Promise<void> {
    return this.ws(ref.workspace).sender.remove(ref.channel, messageId);
  }

  /** `actor` (an extension of the contract): the Matrix user reacting; only linked users can. */
  addReaction(
    ref: ChannelRef,
    messageId: string,
    key: string,
    actor?: MatrixSenderIdentity,
  ): Promise<void> {
    return this.ws(ref.workspace).sender.react(ref.channel, messageId, key, actor, true);
  }

  removeReaction(
    ref: ChannelRef,
    messageId: string,
    key: string,
    actor?: MatrixSenderIdentity,
  ): Promise<void> {
    return this.ws(ref.workspace).sender.react(ref.channel, messageId, key, actor, false);
  }

  async downloadFile(ref: ChannelRef, fileId: string): Promise<Download> {
    return downloadTeamsFile(this.ws(ref.workspace).d, fileId, MAX_DOWNLOAD_BYTES);
  }

  /** Starts linking a Matrix user's Microsoft account; resolves to the sign-in URL to give them. */
  async beginAccountLink(workspace: string, matrixUserId: string): Promise<string> {
    const links = this.ws(workspace).d.links;
    if (!links)
      throw new UnsupportedError(
        `account linking in workspace ${workspace} (set token_encryption_key)`,
      );
    this.base(); // the redirect URI is the webhook registered at start: refuse before that
    return links.begin(matrixUserId);
  }

  /** Forgets a Matrix user's linked account; resolves to whether there was one. */
  async unlinkAccount(workspace: string, matrixUserId: string): Promise<boolean> {
    return (await this.ws(workspace).d.links?.unlink(matrixUserId)) ?? false;
  }

  /** The Microsoft account a Matrix user has linked, if any. */
  async linkedAccount(
    workspace: string,
    matrixUserId: string,
  ): Promise<{ userId: string; displayName: string } | undefined> {
    const account = await this.ws(workspace).d.links?.linked(matrixUserId);
    return account && { userId: account.userId, displayName: account.displayName };
  }

  /** Teams channels the app can see (and chats it has heard from), for linking portals. */
  async listChannels(workspace: string): Promise<RemoteChannelSummary[]> {
    const list = await this.ws(workspace).d.directory.listChannels();
    return list.map((c) => ({
      workspace,
      channel: c.channel,
      name: c.team ? `${c.team.name} / ${c.name}` : c.name,
      visibility: c.visibility,
    }));
  }

  /** Whether the Microsoft account a Matrix user linked is in the channel or chat. */
  async isChannelMember(ref: ChannelRef, matrixUserId: string): Promise<boolean | undefined> {
    const d = this.ws(ref.workspace).d;
    const account = await d.links?.linked(matrixUserId);
    if (!account) return undefined;
    return d.directory.hasMember(ref.channel, account.userId);
  }
}
