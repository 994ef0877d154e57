/** The simulator's records: users, app registrations, teams, conversations, messages, files. */

export interface SimUser {
  id: string;
  tenantId: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  userPrincipalName: string;
  /** Bot Framework id (`29:…`). */
  bfId: string;
  photo?: { data: Buffer; mimetype: string; etag: string };
}

export interface SimApp {
  appId: string;
  tenantId: string;
  password: string;
  displayName: string;
  /** Where the channel POSTs activities (the bot's messaging endpoint). */
  endpoint?: string;
  /** Application permissions granted with admin consent (app-only Graph). */
  applicationPermissions: Set<string>;
  /** Delegated permissions users may consent to (authorization-code flow). */
  delegatedPermissions: Set<string>;
}

export interface SimTeam {
  id: string;
  tenantId: string;
  displayName: string;
  description: string;
  /** The team's thread id (`19:…@thread.tacv2`), also the General channel's id. */
  internalId: string;
  members: Set<string>;
}

export type ConversationKind = 'channel' | 'group' | 'personal';

export interface SimConversation {
  /** Bot Framework conversation id (channel id, group chat id, or `a:…` for a personal chat). */
  id: string;
  /** Graph id: channel id, or chat id. */
  graphId: string;
  kind: ConversationKind;
  tenantId: string;
  teamId?: string;
  displayName: string;
  description: string;
  /**
   * Chat members, and the members of private and shared channels (standard channels use
   * their team's members).
   */
  members: Set<string>;
  /** Channels only: `standard` (the whole team), or `private`/`shared` (their own members). */
  membershipType?: 'standard' | 'private' | 'shared';
  /** Import mode: app-only message POST with Teamwork.Migrate.All is allowed. */
  migrationMode: boolean;
  /** The channel's SharePoint folder (channels only). */
  folderId?: string;
}

export interface Install {
  appId: string;
  /** Resource-specific consent: ChannelMessage.Read.Group / ChatMessage.Read.Chat granted. */
  rsc: boolean;
}

export type Author = { kind: 'user'; userId: string } | { kind: 'app'; appId: string };

export interface SimMention {
  id: number;
  mentionText: string;
  userId: string;
}

export interface SimAttachment {
  id: string;
  contentType: string;
  contentUrl?: string;
  content?: string;
  name?: string;
}

export interface SimReaction {
  reactionType: string;
  userId: string;
  created: number;
}

export interface SimMessage {
  id: string;
  conversationId: string;
  replyToId?: string;
  from: Author;
  /** Body HTML (Graph `body.content`, contentType html). */
  html: string;
  mentions: SimMention[];
  attachments: SimAttachment[];
  hostedContents: Map<string, { data: Buffer; mimetype: string }>;
  reactions: SimReaction[];
  created: number;
  modified: number;
  edited?: number;
  deleted?: number;
}

export interface SimDriveItem {
  id: string;
  driveId: string;
  parentId?: string;
  name: string;
  folder: boolean;
  data: Buffer;
  mimetype: string;
  webUrl: string;
  eTagGuid: string;
  created: number;
}

export type Change =
  | { kind: 'message' | 'edit' | 'delete'; message: SimMessage; at: number }
  | {
      kind: 'reaction' | 'unreaction';
      message: SimMessage;
      userId: string;
      reactionType: string;
      at: number;
    }
  | { kind: 'installed'; conversation: SimConversation; appId: string; at: number };
