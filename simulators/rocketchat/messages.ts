import { parse, type Root } from '@rocket.chat/message-parser';
import { rocketEmojiToUnicode } from '../../connectors/rocketchat/format/emoji.js';
import { failure, meteorError } from './errors.js';
import { newId } from './ids.js';
import type { MessageRecord, RoomRecord, SimState, UserRecord } from './state.js';

/** Where message changes go: the DDP streams. */
export interface EventSink {
  /** `stream-room-messages`: a message was inserted or changed. */
  roomMessage(message: MessageRecord): void;
  /** `stream-notify-room` `${rid}/${event}`. */
  notifyRoom(rid: string, event: string, args: unknown[]): void;
}

export interface NewMessage {
  _id?: string;
  msg: string;
  tmid?: string;
  alias?: string;
  avatar?: string;
  emoji?: string;
  attachments?: Array<Record<string, unknown>>;
  file?: MessageRecord['file'];
  files?: MessageRecord['files'];
}

function safeParse(msg: string): Root | undefined {
  try {
    return parse(msg, { emoticons: true });
  } catch {
    return undefined;
  }
}

function walk(nodes: unknown, visit: (n: { type?: string; value?: unknown }) => void): void {
  if (Array.isArray(nodes)) for (const n of nodes) walk(n, visit);
  else if (typeof nodes === 'object' && nodes !== null) {
    const node = nodes as { type?: string; value?: unknown };
    visit(node);
    walk(node.value, visit);
    const label = (node.value as { label?: unknown } | undefined)?.label;
    if (label !== undefined) walk(label, visit);
  }
}

/** Messages change through here, so every change bumps `_updatedAt` and reaches the streams. */
export class MessageService {
  constructor(
    private readonly state: SimState,
    private readonly sink: EventSink,
  ) {}

  private analyse(m: MessageRecord): void {
    m.md = safeParse(m.msg);
    const mentions: MessageRecord['mentions'] = [];
    const channels: MessageRecord['channels'] = [];
    walk(m.md, (n) => {
      const name = (n.value as { value?: unknown } | undefined)?.value;
      if (typeof name !== 'string') return;
      if (n.type === 'MENTION_USER') {
        if (name === 'all' || name === 'here')
          mentions.push({ _id: name, username: name, type: 'user' });
        const u = this.state.userByName(name);
        if (u) mentions.push({ _id: u._id, username: u.username, name: u.name, type: 'user' });
      } else if (n.type === 'MENTION_CHANNEL') {
        const room = [...this.state.rooms.values()].find((r) => r.name === name);
        if (room) channels.push({ _id: room._id, name: room.name });
      }
    });
    m.mentions = mentions;
    m.channels = channels;
  }

  /** Links to `<site>/...?msg=<id>` quote that message, as jump-to-message does. */
  private quotes(msg: string, user: UserRecord): Array<Record<string, unknown>> {
    const site = this.state.settings.siteUrl;
    const out: Array<Record<string, unknown>> = [];
    const re = /\]\(([^)\s]+)\)|(https?:\/\/\S+)/g;
    for (const m of msg.matchAll(re)) {
      const link = m[1] ?? m[2] ?? '';
      if (!link.startsWith(site)) continue;
      let id: string | null;
      try {
        id = new URL(link).searchParams.get('msg');
      } catch {
        continue;
      }
      const quoted = id ? this.state.messages.get(id) : undefined;
      const room = quoted ? this.state.rooms.get(quoted.rid) : undefined;
      if (!quoted || !room || !this.state.canAccess(room, user)) continue;
      out.push({
        text: quoted.msg,
        md: quoted.md,
        message_link: link,
        author_name: quoted.alias ?? quoted.u.username,
        author_icon: `/avatar/${quoted.u.username}`,
        ts: new Date(quoted.ts).toISOString(),
        attachments: [],
      });
    }
    return out;
  }

  create(user: UserRecord, room: RoomRecord, input: NewMessage): MessageRecord {
    if (input.msg.length > this.state.settings.maxMessageLength) {
      throw meteorError(
        'error-message-size-exceeded',
        'Message size exceeds Message_MaxAllowedSize',
      );
    }
    if ((input.alias || input.avatar) && !this.state.hasPermission(user, 'message-impersonate')) {
      throw failure('Not enough permission');
    }
    if (!this.state.isMember(room._id, user._id)) {
      throw meteorError('error-not-allowed', 'Not allowed');
    }
    let tmid = input.tmid;
    if (tmid) {
      if (!this.state.settings.threadsEnabled)
        throw meteorError('error-not-allowed', 'not-allowed');
      const parent = this.state.messages.get(tmid);
      if (!parent || parent.rid !== room._id)
        throw meteorError('error-invalid-message', 'Invalid message');
      tmid = parent.tmid ?? parent._id;
    }
    if (input._id && (this.state.messages.has(input._id) || this.state.trash.has(input._id))) {
      // The server's sendMessage returns nothing for an existing _id; REST then fails.
      throw failure(`Message with id ${input._id} already exists`);
    }
    const now = this.state.clock.now();
    const m: MessageRecord = {
      _id: input._id ?? newId(),
      rid: room._id,
      msg: input.msg,
      ts: now,
      updatedAt: now,
      u: { _id: user._id, username: user.username, name: user.name },
      mentions: [],
      channels: [],
    };
    if (input.alias) m.alias = input.alias;
    if (input.avatar) m.avatar = input.avatar;
    if (input.emoji) m.emoji = input.emoji;
    if (tmid) m.tmid = tmid;
    const attachments = [...(input.attachments ?? []), ...this.quotes(input.msg, user)];
    if (attachments.length > 0) m.attachments = attachments;
    if (input.file) m.file = input.file;
    if (input.files) m.files = input.files;
    if (input.alias || input.avatar) m.groupable = false;
    this.analyse(m);
    this.state.saveMessage(m);
    this.sink.roomMessage(m);
    if (tmid) this.bumpThread(tmid, m);
    return m;
  }

  private bumpThread(tmid: string, reply: MessageRecord): void {
    const root = this.state.messages.get(tmid);
    if (!root) return;
    root.tcount = (root.tcount ?? 0) + 1;
    root.tlm = reply.ts;
    root.replies = [...new Set([...(root.replies ?? [root.u._id]), reply.u._id])];
    root.updatedAt = this.state.clock.now();
    this.sink.roomMessage(root);
  }

  update(user: UserRecord, m: MessageRecord, text: string): MessageRecord {
    const own = m.u._id === user._id;
    if (!own && !this.state.hasPermission(user, 'edit-message')) {
      throw meteorError('error-action-not-allowed', 'Message editing not allowed', {
        method: 'updateMessage',
        action: 'Message_editing',
      });
    }
    if (text.length > this.state.settings.maxMessageLength) {
      throw meteorError(
        'error-message-size-exceeded',
        'Message size exceeds Message_MaxAllowedSize',
      );
    }
    m.msg = text;
    m.editedAt = this.state.clock.now();
    m.editedBy = { _id: user._id, username: user.username };
    m.updatedAt = m.editedAt;
    this.analyse(m);
    this.sink.roomMessage(m);
    return m;
  }

  remove(user: UserRecord, m: MessageRecord): void {
    const own = m.u._id === user._id;
    const allowed = own
      ? this.state.hasPermission(user, 'delete-own-message') ||
        this.state.hasPermission(user, 'delete-message')
      : this.state.hasPermission(user, 'delete-message');
    if (!allowed)
      throw meteorError('error-action-not-allowed', 'Not allowed', {
        method: 'deleteMessage',
        action: 'Delete_message',
      });
    this.state.removeMessage(m);
    this.sink.notifyRoom(m.rid, 'deleteMessage', [{ _id: m._id }]);
  }

  /** rooms.cleanHistory: removes a time range and announces it as one bulk deletion. */
  prune(rid: string, from: number, to: number): number {
    const doomed = this.state.roomHistory(rid).filter((m) => m.ts >= from && m.ts <= to);
    for (const m of doomed) this.state.removeMessage(m);
    this.sink.notifyRoom(rid, 'deleteMessageBulk', [
      {
        rid,
        excludePinned: false,
        ignoreDiscussion: true,
        ts: { $gte: { $date: from }, $lte: { $date: to } },
        users: [],
      },
    ]);
    return doomed.length;
  }

  /** chat.react: toggles unless `shouldReact` says which way; the name must be a known emoji. */
  react(user: UserRecord, m: MessageRecord, emoji: string, shouldReact?: boolean): void {
    const bare = emoji.replace(/:/g, '');
    if (!bare || rocketEmojiToUnicode(bare) === undefined) {
      throw meteorError('error-not-allowed', 'Invalid emoji provided.', { method: 'setReaction' });
    }
    const room = this.state.rooms.get(m.rid);
    if (!room || !this.state.canAccess(room, user))
      throw meteorError('error-not-allowed', 'Not allowed');
    const key = `:${bare}:`;
    const reactions = (m.reactions ??= {});
    const current = reactions[key]?.usernames ?? [];
    const has = current.includes(user.username);
    const add = shouldReact ?? !has;
    if (add === has) return; // nothing changes: no update, no event
    const next = add ? [...current, user.username] : current.filter((n) => n !== user.username);
    if (next.length === 0) delete reactions[key];
    else reactions[key] = { usernames: next };
    m.updatedAt = this.state.clock.now();
    this.sink.roomMessage(m);
  }
}
