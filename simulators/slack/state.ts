import { createHash } from 'node:crypto';
import { TsClock, parseTs } from './ids.js';

export type TokenKind = 'bot' | 'user' | 'app';

export interface TokenRecord {
  token: string;
  kind: TokenKind;
  teamId: string;
  /** The acting user: the human for user tokens, the bot user for bot tokens. */
  userId?: string;
  botId?: string;
  appId?: string;
  scopes: Set<string>;
  revoked: boolean;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  domain: string;
  customEmoji: Set<string>;
}

export interface UserRecord {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  displayName: string;
  isBot: boolean;
  botId?: string;
  deleted: boolean;
  avatar: Buffer;
  avatarHash: string;
  updated: number;
}

export type EventDelivery =
  { mode: 'none' } | { mode: 'socket' } | { mode: 'http'; requestUrl: string };

export interface AppRecord {
  id: string;
  teamId: string;
  name: string;
  botId: string;
  botUserId: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
  verificationToken: string;
  delivery: EventDelivery;
}

export interface BotRecord {
  id: string;
  teamId: string;
  appId: string;
  userId: string;
  name: string;
  icon: Buffer;
  iconHash: string;
  updated: number;
}

export interface ChannelRecord {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  /** A direct message (`im`) or group direct message (`mpim`); both are members-only. */
  direct?: 'im' | 'mpim';
  created: number;
  creator: string;
  topic: string;
  purpose: string;
  archived: boolean;
  members: Set<string>;
}

export interface MessageRecord {
  ts: string;
  channel: string;
  teamId: string;
  /** Author: a human, or the bot user of an app. */
  user?: string;
  botId?: string;
  appId?: string;
  /** Per-message identity (chat:write.customize). */
  username?: string;
  iconUrl?: string;
  text: string;
  blocks?: unknown[];
  subtype?: string;
  threadTs?: string;
  edited?: { user: string; ts: string };
  files: string[];
  /** Reaction name → users, in the order they reacted. */
  reactions: Map<string, string[]>;
  metadata?: { event_type: string; event_payload: unknown };
  upload?: boolean;
  deleted: boolean;
}

export interface FileRecord {
  id: string;
  teamId: string;
  userId: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  data: Buffer | null;
  declaredLength: number;
  created: number;
  completed: boolean;
  shares: Array<{ channel: string; ts: string; threadTs?: string }>;
  /** Test hook: url_private / url_private_download as given, to play a tampered answer. */
  urls?: { private: string; download: string };
}

/** The whole in-memory Slack: plain maps, bookkeeping only. */
export class SimState {
  readonly clock = new TsClock();
  readonly workspaces = new Map<string, WorkspaceRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly bots = new Map<string, BotRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  /** channel → messages in ts order (thread replies included). */
  readonly messages = new Map<string, MessageRecord[]>();
  readonly files = new Map<string, FileRecord>();
  /** Pending external uploads: opaque upload key → file id. */
  readonly uploads = new Map<string, string>();

  constructor(readonly baseUrl: () => string) {}

  channelMessages(channel: string): MessageRecord[] {
    let list = this.messages.get(channel);
    if (!list) {
      list = [];
      this.messages.set(channel, list);
    }
    return list;
  }

  findMessage(channel: string, ts: string): MessageRecord | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts && !m.deleted);
  }

  /** Live replies of a thread, oldest first (the root excluded). */
  replies(channel: string, threadTs: string): MessageRecord[] {
    return (this.messages.get(channel) ?? []).filter(
      (m) => !m.deleted && m.threadTs === threadTs && m.ts !== threadTs,
    );
  }

  appForBotUser(userId: string): AppRecord | undefined {
    return [...this.apps.values()].find((a) => a.botUserId === userId);
  }

  botName(botId: string | undefined): string | undefined {
    return botId ? this.bots.get(botId)?.name : undefined;
  }

  insertMessage(m: MessageRecord): void {
    const list = this.channelMessages(m.channel);
    list.push(m);
    list.sort((a, b) => parseTs(a.ts) - parseTs(b.ts));
  }
}

export function hashOf(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex').slice(0, 12);
}
