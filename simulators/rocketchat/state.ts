import type { Root } from '@rocket.chat/message-parser';
import { Clock, newToken } from './ids.js';

export interface UserRecord {
  _id: string;
  username: string;
  name: string;
  type: 'user' | 'bot';
  roles: string[];
  createdAt: number;
  updatedAt: number;
  avatar: { data: Buffer; type: string; etag: string } | null;
}

export interface RoomRecord {
  _id: string;
  /** `c` public channel, `p` private group, `d` direct message (members only, like `p`). */
  t: 'c' | 'p' | 'd';
  name: string;
  fname: string;
  topic?: string;
  description?: string;
  ts: number;
  updatedAt: number;
  creator: { _id: string; username: string };
  msgs: number;
  lastMessageId?: string;
}

export interface Reaction {
  usernames: string[];
}

export interface MessageFile {
  _id: string;
  name: string;
  type: string;
  size: number;
  format?: string;
}

/** A message as the server stores it; times are epoch ms (dates on the wire). */
export interface MessageRecord {
  _id: string;
  rid: string;
  msg: string;
  ts: number;
  updatedAt: number;
  u: { _id: string; username: string; name: string };
  t?: string;
  md?: Root;
  mentions: Array<{ _id: string; username: string; name?: string; type: 'user' | 'team' }>;
  channels: Array<{ _id: string; name: string }>;
  alias?: string;
  avatar?: string;
  emoji?: string;
  tmid?: string;
  tcount?: number;
  tlm?: number;
  replies?: string[];
  editedAt?: number;
  editedBy?: { _id: string; username: string };
  reactions?: Record<string, Reaction>;
  attachments?: Array<Record<string, unknown>>;
  file?: MessageFile;
  files?: MessageFile[];
  groupable?: boolean;
}

export interface UploadRecord {
  _id: string;
  rid: string;
  userId: string;
  name: string;
  type: string;
  size: number;
  data: Buffer;
  uploadedAt: number;
  /** Set by rooms.mediaConfirm; unconfirmed uploads never show up in a room. */
  messageId?: string;
  description?: string;
}

export interface DeletedRecord {
  _id: string;
  rid: string;
  deletedAt: number;
}

export interface SimSettings {
  siteUrl: string;
  maxFileSize: number;
  /** Message_MaxAllowedSize. */
  maxMessageLength: number;
  /** Threads_enabled. */
  threadsEnabled: boolean;
}

/** The whole in-memory server: plain maps and bookkeeping, no request handling. */
export class SimState {
  readonly clock = new Clock();
  readonly users = new Map<string, UserRecord>();
  readonly usernames = new Map<string, string>();
  /** Login tokens and personal access tokens → user id. */
  readonly tokens = new Map<string, string>();
  readonly rooms = new Map<string, RoomRecord>();
  readonly members = new Map<string, Set<string>>();
  readonly messages = new Map<string, MessageRecord>();
  readonly roomMessages = new Map<string, string[]>();
  readonly trash = new Map<string, DeletedRecord>();
  readonly uploads = new Map<string, UploadRecord>();
  /** permission id → roles that have it (the server's defaults for the ones the bridge meets). */
  readonly permissions = new Map<string, Set<string>>([
    ['message-impersonate', new Set(['bot', 'app'])],
    ['view-c-room', new Set(['admin', 'user', 'bot', 'app', 'guest', 'anonymous'])],
    ['view-p-room', new Set(['admin', 'user', 'bot', 'app', 'guest', 'anonymous'])],
    ['edit-message', new Set(['admin', 'owner', 'moderator'])],
    ['delete-message', new Set(['admin', 'owner', 'moderator'])],
    ['delete-own-message', new Set(['admin', 'user', 'bot', 'app'])],
  ]);
  readonly permissionsUpdatedAt = new Map<string, number>();

  constructor(readonly settings: SimSettings) {}

  issueToken(userId: string): string {
    const token = newToken();
    this.tokens.set(token, userId);
    return token;
  }

  userForCredentials(userId: string, token: string): UserRecord | undefined {
    return this.tokens.get(token) === userId ? this.users.get(userId) : undefined;
  }

  userForToken(token: string): UserRecord | undefined {
    const id = this.tokens.get(token);
    return id === undefined ? undefined : this.users.get(id);
  }

  userByName(username: string): UserRecord | undefined {
    const id = this.usernames.get(username.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  hasPermission(user: UserRecord, permission: string): boolean {
    const roles = this.permissions.get(permission);
    return roles !== undefined && user.roles.some((r) => roles.has(r));
  }

  isMember(rid: string, userId: string): boolean {
    return this.members.get(rid)?.has(userId) ?? false;
  }

  /** Public channels are readable by everyone; private groups by members only. */
  canAccess(room: RoomRecord, user: UserRecord): boolean {
    return room.t === 'c' || this.isMember(room._id, user._id);
  }

  addMember(rid: string, userId: string): void {
    let set = this.members.get(rid);
    if (!set) this.members.set(rid, (set = new Set()));
    set.add(userId);
  }

  saveMessage(m: MessageRecord): void {
    this.messages.set(m._id, m);
    let list = this.roomMessages.get(m.rid);
    if (!list) this.roomMessages.set(m.rid, (list = []));
    list.push(m._id);
    const room = this.rooms.get(m.rid);
    if (room) {
      room.msgs += 1;
      room.lastMessageId = m._id;
      room.updatedAt = m.updatedAt;
    }
  }

  /** Live messages of a room, oldest first. */
  roomHistory(rid: string): MessageRecord[] {
    return (this.roomMessages.get(rid) ?? [])
      .map((id) => this.messages.get(id))
      .filter((m): m is MessageRecord => m !== undefined);
  }

  removeMessage(m: MessageRecord): DeletedRecord {
    this.messages.delete(m._id);
    const list = this.roomMessages.get(m.rid);
    if (list) list.splice(list.indexOf(m._id), 1);
    const record = { _id: m._id, rid: m.rid, deletedAt: this.clock.now() };
    this.trash.set(m._id, record);
    return record;
  }
}
