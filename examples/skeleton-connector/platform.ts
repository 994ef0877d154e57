/**
 * "Memo Chat": an in-memory chat platform the skeleton connector talks to. It stands in for a
 * real platform's API (HTTP + a realtime socket) so the example needs no network; a real
 * connector keeps the same shape and makes these calls over the wire. Like many real APIs it
 * offers a change log per channel ("everything after sequence number N"), which is what lets
 * a connector recover whatever happened while it was away.
 */

export class PlatformError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, as a `Retry-After` header would say. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

export interface PlatformUser {
  id: string;
  name: string;
  token: string;
}

export interface PlatformFile {
  id: string;
  name: string;
  mimetype: string;
  data: Buffer;
}

export interface PlatformMessage {
  id: string;
  channel: string;
  author: string;
  /** The name clients show: an override the bot may set, else the author's name. */
  shownAs: string;
  text: string;
  threadRoot?: string;
  files: PlatformFile[];
  /** Reaction emoji (the platform names them by the emoji itself) → user ids. */
  reactions: Map<string, Set<string>>;
  deleted: boolean;
}

/** One entry of a channel's change log; `seq` only grows. */
export type Change =
  | { seq: number; ts: number; kind: 'posted' | 'edited' | 'deleted'; message: string; by: string }
  | {
      seq: number;
      ts: number;
      kind: 'reacted' | 'unreacted';
      message: string;
      by: string;
      emoji: string;
    };

/** A change as recorded, before the log numbers and stamps it. */
type NewChange = Change extends infer C
  ? C extends Change
    ? Omit<C, 'seq' | 'ts'>
    : never
  : never;

export interface PostRequest {
  text: string;
  threadRoot?: string;
  shownAs?: string;
  files?: Omit<PlatformFile, 'id'>[];
  /** A retry with the same key returns the first post instead of posting again. */
  idempotencyKey?: string;
}

type Listener = { onChange: (channel: string) => void; onClose: () => void };

export class MemoPlatform {
  private readonly users = new Map<string, PlatformUser>();
  private readonly channels = new Map<string, { name: string; members: Set<string> }>();
  private readonly messages = new Map<string, PlatformMessage>();
  private readonly log = new Map<string, Change[]>();
  private readonly byIdempotencyKey = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly faults: { status: number; retryAfterSec?: number }[] = [];
  private nextId = 1;
  private seq = 0;

  addUser(name: string): PlatformUser {
    const user = { id: `u${this.nextId++}`, name, token: `token-${this.nextId++}` };
    this.users.set(user.id, user);
    return user;
  }

  addChannel(name: string, members: PlatformUser[]): string {
    const id = `c${this.nextId++}`;
    this.channels.set(id, { name, members: new Set(members.map((m) => m.id)) });
    this.log.set(id, []);
    return id;
  }

  /** The next `count` posts fail with `status` (429 with `Retry-After: retryAfterSec`). */
  failPosts(count: number, status: number, retryAfterSec?: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, retryAfterSec });
  }

  /** Closes every realtime connection, as a server restart would. */
  dropConnections(): void {
    for (const l of [...this.listeners]) {
      this.listeners.delete(l);
      l.onClose();
    }
  }

  // ---- the API a client (the connector, or a person's app) calls, with its token ----

  whoAmI(token: string): PlatformUser {
    const user = [...this.users.values()].find((u) => u.token === token);
    if (!user) throw new PlatformError(401, 'invalid token');
    return user;
  }

  /** Realtime: `onChange(channel)` after every change in a channel the caller can read. */
  connect(token: string, onChange: (channel: string) => void, onClose: () => void): () => void {
    const me = this.whoAmI(token);
    const listener: Listener = {
      onChange: (channel) => this.channelOf(channel).members.has(me.id) && onChange(channel),
      onClose,
    };
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  channelInfo(token: string, channel: string): { name: string } {
    this.member(token, channel);
    return { name: this.channelOf(channel).name };
  }

  channelsOf(token: string): { id: string; name: string }[] {
    const me = this.whoAmI(token);
    return [...this.channels]
      .filter(([, c]) => c.members.has(me.id))
      .map(([id, c]) => ({ id, name: c.name }));
  }

  userInfo(token: string, userId: string): { name: string } {
    this.whoAmI(token);
    const user = this.users.get(userId);
    if (!user) throw new PlatformError(404, 'no such user');
    return { name: user.name };
  }

  /** Changes after `afterSeq`, oldest first, at most `limit`. */
  changes(token: string, channel: string, afterSeq: number, limit = 100): Change[] {
    this.member(token, channel);
    return (this.log.get(channel) ?? []).filter((c) => c.seq > afterSeq).slice(0, limit);
  }

  message(token: string, id: string): PlatformMessage {
    const message = this.messages.get(id);
    if (!message) throw new PlatformError(404, 'no such message');
    this.member(token, message.channel);
    return message;
  }

  post(token: string, channel: string, req: PostRequest): PlatformMessage {
    const me = this.member(token, channel);
    const fault = this.faults.shift();
    if (fault) throw new PlatformError(fault.status, 'try again later', fault.retryAfterSec);
    const earlier = req.idempotencyKey && this.byIdempotencyKey.get(req.idempotencyKey);
    if (earlier) return this.messages.get(earlier)!;
    const message: PlatformMessage = {
      id: `m${this.nextId++}`,
      channel,
      author: me.id,
      shownAs: req.shownAs ?? me.name,
      text: req.text,
      threadRoot: req.threadRoot,
      files: (req.files ?? []).map((f) => ({ ...f, id: `f${this.nextId++}` })),
      reactions: new Map(),
      deleted: false,
    };
    this.messages.set(message.id, message);
    if (req.idempotencyKey) this.byIdempotencyKey.set(req.idempotencyKey, message.id);
    this.record(channel, { kind: 'posted', message: message.id, by: me.id });
    return message;
  }

  edit(token: string, id: string, text: string): void {
    const message = this.ownMessage(token, id);
    message.text = text;
    this.record(message.channel, { kind: 'edited', message: id, by: message.author });
  }

  remove(token: string, id: string): void {
    const message = this.ownMessage(token, id);
    message.deleted = true;
    this.record(message.channel, { kind: 'deleted', message: id, by: message.author });
  }

  react(token: string, id: string, emoji: string, on: boolean): void {
    const me = this.whoAmI(token);
    const message = this.message(token, id);
    const users = message.reactions.get(emoji) ?? new Set<string>();
    if (users.has(me.id) === on) return;
    if (on) users.add(me.id);
    else users.delete(me.id);
    message.reactions.set(emoji, users);
    const kind = on ? 'reacted' : 'unreacted';
    this.record(message.channel, { kind, message: id, by: me.id, emoji });
  }

  file(token: string, channel: string, fileId: string): PlatformFile {
    this.member(token, channel);
    for (const m of this.messages.values()) {
      const file = m.channel === channel && !m.deleted && m.files.find((f) => f.id === fileId);
      if (file) return file;
    }
    throw new PlatformError(404, 'no such file in this channel');
  }

  private record(channel: string, change: NewChange): void {
    this.log.get(channel)!.push({ ...change, seq: ++this.seq, ts: Date.now() } as Change);
    for (const l of this.listeners) l.onChange(channel);
  }

  private channelOf(channel: string): { name: string; members: Set<string> } {
    const found = this.channels.get(channel);
    if (!found) throw new PlatformError(404, 'no such channel');
    return found;
  }

  private member(token: string, channel: string): PlatformUser {
    const me = this.whoAmI(token);
    if (!this.channelOf(channel).members.has(me.id)) throw new PlatformError(403, 'not a member');
    return me;
  }

  private ownMessage(token: string, id: string): PlatformMessage {
    const message = this.message(token, id);
    if (message.author !== this.whoAmI(token).id) throw new PlatformError(403, 'not your message');
    return message;
  }
}

/** Platforms by name, so a config block (plain data) can point the connector at one. */
const platforms = new Map<string, MemoPlatform>();

export function openPlatform(name: string): MemoPlatform {
  let platform = platforms.get(name);
  if (!platform) platforms.set(name, (platform = new MemoPlatform()));
  return platform;
}

export function closePlatform(name: string): void {
  platforms.get(name)?.dropConnections();
  platforms.delete(name);
}
