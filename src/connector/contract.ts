import type { Logger } from 'pino';
import type { OutboundContent } from '../model/message.js';
import type { ChannelCursors, MessagesPage } from './catch-up-types.js';
import type { ErrorCodeTable } from '../util/error-codes.js';
import type { ChannelRef, RemoteEvent } from './events.js';
import type { ReactionMemory } from './reaction-snapshots.js';

export type { ChannelRef, RemoteEvent } from './events.js';
export type { ChannelCursors, CursorRef, MessagesPage } from './catch-up-types.js';

/** How a Matrix user is shown on a platform when the bridge posts for them. */
export interface MatrixSenderIdentity {
  userId: string;
  displayName: string;
  /** An https/http URL the platform's clients can load, or undefined. */
  avatarUrl?: string;
}

export interface OutboundMessage {
  sender: MatrixSenderIdentity;
  content: OutboundContent;
  /** Native id of the message replied to, on this side. */
  replyTo?: string;
  /** Native id of the thread root, on this side. */
  threadRoot?: string;
  /**
   * Idempotency key derived from the source event: a retry of the same delivery
   * carries the same key, so a platform that supports it can drop the duplicate.
   */
  idempotencyKey: string;
}

export interface SentMessage {
  /** Native ids, in order; a long message or one with files may become several posts. */
  messageIds: string[];
}

/**
 * Who can read a channel on its platform: anyone in the workspace (`public`), invited members
 * only (`private`), or the people of a direct or group conversation (`direct`). Administration
 * lets only those who could read a private or direct channel themselves link it; a channel
 * whose connector does not say is treated as private.
 */
export type ChannelVisibility = 'public' | 'private' | 'direct';

export interface ChatInfo {
  name: string;
  topic?: string;
  visibility?: ChannelVisibility;
}

export interface RemoteUserInfo {
  displayName: string;
  /** Opaque avatar handle; changes when the avatar changes. Undefined = no avatar. */
  avatarId?: string;
}

export interface Download {
  data: Buffer;
  mimetype: string;
}

/**
 * What a connector declares about its platform that its methods cannot say. Whether it edits,
 * deletes, reacts or fetches files is not declared: the core derives that from the optional
 * methods it implements (capabilitiesOf in capabilities.ts).
 */
export interface DeclaredCapabilities {
  /** The platform has threads: sendMessage honours `threadRoot`. */
  threads: boolean;
  /**
   * Reactions can only be made by the reacting user's own account (e.g. linked accounts):
   * the core then calls add/removeReaction once per Matrix user, with `actor`, instead of
   * one aggregated reaction by the bot.
   */
  actorReactions?: boolean;
  /** Largest message text the platform accepts, in characters; the core splits above it. */
  maxTextLength: number;
}

/** Everything the core needs to know of a connector: declared, plus derived from its methods. */
export interface ConnectorCapabilities extends DeclaredCapabilities {
  /** editMessage is implemented. */
  edits: boolean;
  /** deleteMessage is implemented. */
  deletes: boolean;
  /** add/removeReaction are implemented and the bot reacts for everyone (not actorReactions). */
  reactions: boolean;
  /** downloadFile is implemented. */
  files: boolean;
}

export type ConnectionStatus =
  'connecting' | 'connected' | 'retrying' | 'bad_credentials' | 'stopped';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Operator-facing reason; never contains a token. */
  error?: string;
  /**
   * For the log line only: the config key to check, in full
   * (`connectors.<id>.workspaces.<workspace>.token`). Default: the workspace's block.
   */
  configKey?: string;
  /** For the log line only: the platform address the bridge tried. */
  url?: string;
}

export interface LinkedChannel extends ChannelRef {
  /** When the link was made (ms): events from before it are not bridged. */
  linkedAt: number;
}

export interface StorageSetOptions {
  /** Forget the value this long (ms) after it is set; without it the value is kept. */
  ttlMs?: number;
}

export interface ConnectorStorage {
  /** The value, or undefined when there is none or it expired. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: StorageSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
}

/** An HTTP request to a connector's webhook, body unparsed so signatures can be checked. */
export interface WebhookRequest {
  method: string;
  /** Path below the connector's webhook base, starting with `/` (e.g. `/events`). */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The raw body, at most `MAX_WEBHOOK_BODY_BYTES` (larger requests get 413 first). */
  body: Buffer;
  remoteAddress?: string;
}

export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: string | Buffer | object;
}

export type WebhookHandler = (req: WebhookRequest) => Promise<WebhookResponse>;

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** What the core hands to a connector. */
export interface ConnectorContext {
  connectorId: string;
  logger: Logger;
  /**
   * Record a remote event durably. Resolves once it is safe: acknowledge to the platform
   * only after this. Events for channels not linked to any portal are dropped.
   */
  emit(event: RemoteEvent): Promise<void>;
  reportState(workspace: string, state: ConnectionState): void;
  /** Channels linked to a portal, for resync after a disconnect. */
  linkedChannels(): Promise<LinkedChannel[]>;
  storage: ConnectorStorage;
  /** The core's cursor table for this connector's channels (see fetchMessagesSince). */
  cursors: ChannelCursors;
  /**
   * Call after (re)connecting a workspace: the core catches up every linked channel of it
   * (or only `channels`) through the connector's `fetchMessagesSince` and resolves once all
   * are done (or the bridge stops). A live event handed to `emit` meanwhile waits for its
   * channel's catch-up, so each channel stays in order. Without `fetchMessagesSince` it
   * resolves at once.
   */
  catchUp(workspace: string, channels?: string[]): Promise<void>;
  /**
   * Which reactions of each platform message this connector has passed on, kept by the core
   * (see `ReactionTracker`): what a snapshot of a message's reactions is compared with.
   */
  reactions: ReactionMemory;
  /**
   * Serve platform callbacks (events, activities) on the bridge's HTTP listener under
   * `{appservice.public_url}/_bridge/webhooks/{connectorId}`; returns that base URL.
   * The handler must verify every request's signature itself.
   */
  registerWebhook(handler: WebhookHandler): string;
}

export interface Connector {
  start(): Promise<void>;
  stop(): Promise<void>;
  capabilities(): DeclaredCapabilities;
  getChatInfo(ref: ChannelRef): Promise<ChatInfo>;
  getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo>;
  /** Avatar bytes for the handle returned by getUserInfo. */
  downloadAvatar(workspace: string, userId: string, avatarId: string): Promise<Download>;
  sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage>;
  editMessage?(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void>;
  deleteMessage?(ref: ChannelRef, messageId: string): Promise<void>;
  /**
   * `key` is a unicode emoji or `:name:`. `actor` is the Matrix user who reacted, given only
   * to connectors with `actorReactions`.
   */
  addReaction?(
    ref: ChannelRef,
    messageId: string,
    key: string,
    actor?: MatrixSenderIdentity,
  ): Promise<void>;
  removeReaction?(
    ref: ChannelRef,
    messageId: string,
    key: string,
    actor?: MatrixSenderIdentity,
  ): Promise<void>;
  downloadFile?(ref: ChannelRef, fileId: string): Promise<Download>;
  /**
   * What happened in `channel` after `cursor` (undefined: after its link time `linkedAt`),
   * at most about `limit` messages; the core pages forward, retries transient failures and
   * records each page before moving the cursor (see ConnectorContext.catchUp).
   */
  fetchMessagesSince?(
    channel: LinkedChannel,
    cursor: string | undefined,
    limit: number,
  ): Promise<MessagesPage>;
  /**
   * Start linking a Matrix user's own platform account (puppeting); resolves to the sign-in
   * URL to give that user. Offered by connectors that can act as the user.
   */
  beginAccountLink?(workspace: string, matrixUserId: string): Promise<string>;
  /** Forget a Matrix user's linked account; resolves to whether there was one. */
  unlinkAccount?(workspace: string, matrixUserId: string): Promise<boolean>;
  /** Resolve a user's native id to their handle for plain-text mentions (e.g. `alice`). */
  getUserHandle?(workspace: string, userId: string): Promise<string | undefined>;
  /**
   * Channels of `workspace` the bot can reach (is a member of, or may read), for the
   * administrators' channel pickers. Without it, administrators type channel ids.
   */
  listChannels?(workspace: string): Promise<RemoteChannelSummary[]>;
  /**
   * Whether a Matrix user is a member of a channel through the platform account they linked
   * (see beginAccountLink); undefined when they have linked none in that workspace. Offered by
   * connectors with linked accounts, so members may link their private channels themselves.
   */
  isChannelMember?(ref: ChannelRef, matrixUserId: string): Promise<boolean | undefined>;
}

export interface RemoteChannelSummary {
  workspace: string;
  channel: string;
  /** Human-readable name, e.g. "Team / Town Square". */
  name: string;
  visibility?: ChannelVisibility;
}

export interface ConnectorDefinition<C = unknown> {
  /** Lowercase id used in config, ghost namespaces and storage keys, e.g. `chat-x`. */
  id: string;
  displayName: string;
  /** JSON schema (ajv) for this connector's config block. */
  configSchema: object;
  create(ctx: ConnectorContext, config: C): Connector;
  /** The connector's own error codes (made with defineErrorCodes); the loader registers them. */
  errorCodes?: ErrorCodeTable;
  /**
   * Storage key prefixes the retention treats apart (docs/connectors.md, "Storage"): `keep`
   * entries must outlive `retention.connector_storage_days` and are never pruned;
   * `accountLinks` entries are linked platform accounts, pruned after
   * `retention.account_links_days` without use; `accountLinkOwner` names whose link an
   * `accountLinks` key is, so the owner is told when it is pruned.
   */
  storageRetention?: {
    keep?: readonly string[];
    accountLinks?: readonly string[];
    accountLinkOwner?: (key: string) => AccountLinkOwner | undefined;
  };
}

/** Whose linked platform account a storage key holds, and in which workspace. */
export interface AccountLinkOwner {
  matrixUserId: string;
  workspace: string;
}
