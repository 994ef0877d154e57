import { randomBytes } from 'node:crypto';
import { E2E_WAIT_MS } from './wait.js';

/** A room event as the client-server API returns it (only the fields tests commonly read). */
export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id?: string;
  origin_server_ts: number;
  content: Record<string, unknown> & {
    body?: string;
    msgtype?: string;
    format?: string;
    formatted_body?: string;
    url?: string;
    info?: Record<string, unknown>;
    membership?: string;
    'm.relates_to'?: RelatesTo;
    'm.new_content'?: Record<string, unknown>;
  };
  state_key?: string;
  redacts?: string;
  unsigned?: Record<string, unknown> & {
    age?: number;
    transaction_id?: string;
    redacted_because?: MatrixEvent;
    'm.relations'?: Record<string, unknown>;
  };
}

export interface RelatesTo {
  rel_type?: string;
  event_id?: string;
  key?: string;
  is_falling_back?: boolean;
  'm.in_reply_to'?: { event_id: string };
}

export type MessageContent = Record<string, unknown>;

export interface CreateRoomOptions {
  name?: string;
  topic?: string;
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  visibility?: 'public' | 'private';
  invite?: string[];
  is_direct?: boolean;
  room_alias_name?: string;
  room_version?: string;
  initial_state?: Array<{ type: string; state_key?: string; content: Record<string, unknown> }>;
  power_level_content_override?: Record<string, unknown>;
  creation_content?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface MessagesOptions {
  dir?: 'b' | 'f';
  limit?: number;
  from?: string;
  to?: string;
  /** A RoomEventFilter object (serialised for you). */
  filter?: Record<string, unknown>;
}

export interface MessagesResponse {
  chunk: MatrixEvent[];
  start: string;
  end?: string;
  state?: MatrixEvent[];
}

export interface WaitOptions {
  timeoutMs?: number;
  /**
   * Only consider events after this point. Either an event id (`$...`; events newer than that
   * event) or a pagination token from {@link TestMatrixClient.syncToken}. Without it, events
   * already in the room when the wait starts count too (the newest {@link backfill} of them).
   */
  since?: string;
  /** How many existing events to look back through when `since` is absent. Default 200. */
  backfill?: number;
  /** Poll interval, ms. Default 150. */
  intervalMs?: number;
}

export interface PowerLevels {
  users?: Record<string, number>;
  users_default?: number;
  events?: Record<string, number>;
  events_default?: number;
  state_default?: number;
  ban?: number;
  kick?: number;
  redact?: number;
  invite?: number;
  notifications?: Record<string, number>;
  [key: string]: unknown;
}

/** A non-2xx answer from the homeserver. */
export class MatrixApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errcode: string | undefined,
    readonly body: unknown,
  ) {
    const error =
      body && typeof body === 'object' && 'error' in body
        ? String((body as { error: unknown }).error)
        : undefined;
    super(
      `${method} ${path} -> HTTP ${status}${errcode ? ` ${errcode}` : ''}${error ? `: ${error}` : ''}` +
        (errcode || error
          ? ''
          : `: ${typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body)}`),
    );
    this.name = 'MatrixApiError';
  }
}

let txnCounter = 0;
function newTxnId(): string {
  txnCounter += 1;
  return `t${Date.now()}-${process.pid}-${txnCounter}-${randomBytes(3).toString('hex')}`;
}

const enc = encodeURIComponent;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses `mxc://server/mediaId`. */
export function parseMxc(mxc: string): { serverName: string; mediaId: string } {
  const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
  if (!m || !m[1] || !m[2]) throw new Error(`not an mxc URI: ${mxc}`);
  return { serverName: m[1], mediaId: m[2] };
}

function textContent(content: string | MessageContent): MessageContent {
  return typeof content === 'string' ? { msgtype: 'm.text', body: content } : content;
}

/**
 * A small Matrix client-server API client over fetch: what a real Matrix client would see.
 */
export class TestMatrixClient {
  readonly hsUrl: string;

  constructor(
    hsUrl: string,
    readonly userId: string,
    readonly accessToken: string,
  ) {
    this.hsUrl = hsUrl.replace(/\/$/, '');
  }

  // ---------------------------------------------------------------- low level

  /** Sends a request; `path` starts with `/_matrix/...`. Returns the parsed JSON body. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | boolean | undefined>,
  ): Promise<T> {
    const res = await this.raw(method, path, body, query);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text.length ? JSON.parse(text) : {};
    } catch {
      // not JSON
    }
    if (!res.ok) {
      const errcode =
        parsed && typeof parsed === 'object' && 'errcode' in parsed
          ? String((parsed as { errcode: unknown }).errcode)
          : undefined;
      throw new MatrixApiError(method, path, res.status, errcode, parsed);
    }
    return parsed as T;
  }

  /** Sends a request and returns the raw Response (no status check). */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | boolean | undefined>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    let url = this.hsUrl + path;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += (url.includes('?') ? '&' : '?') + s;
    }
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${this.accessToken}`, ...headers },
    };
    if (body !== undefined) {
      if (typeof body === 'string') {
        init.body = body;
      } else if (body instanceof Uint8Array) {
        // (TS 5.9 types Uint8Array<ArrayBufferLike> as not a BodyInit; fetch accepts it.)
        init.body = body as Uint8Array<ArrayBuffer>;
      } else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
    }
    return fetch(url, init);
  }

  // ---------------------------------------------------------------- account

  async whoami(): Promise<{ user_id: string; device_id?: string }> {
    return this.request('GET', '/_matrix/client/v3/account/whoami');
  }

  async getProfile(userId: string): Promise<{ displayname?: string; avatar_url?: string }> {
    return this.request('GET', `/_matrix/client/v3/profile/${enc(userId)}`);
  }

  async setDisplayName(displayName: string): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/profile/${enc(this.userId)}/displayname`, {
      displayname: displayName,
    });
  }

  async setAvatarUrl(mxc: string): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/profile/${enc(this.userId)}/avatar_url`, {
      avatar_url: mxc,
    });
  }

  // ---------------------------------------------------------------- rooms

  async createRoom(opts: CreateRoomOptions = {}): Promise<string> {
    const res = await this.request<{ room_id: string }>(
      'POST',
      '/_matrix/client/v3/createRoom',
      opts,
    );
    return res.room_id;
  }

  async invite(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, {
      user_id: userId,
      ...(reason ? { reason } : {}),
    });
  }

  /** Joins by room id or alias; returns the room id. */
  async join(roomIdOrAlias: string): Promise<string> {
    const res = await this.request<{ room_id: string }>(
      'POST',
      `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`,
      {},
    );
    return res.room_id;
  }

  async leave(roomId: string, reason?: string): Promise<void> {
    await this.request(
      'POST',
      `/_matrix/client/v3/rooms/${enc(roomId)}/leave`,
      reason ? { reason } : {},
    );
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/kick`, {
      user_id: userId,
      ...(reason ? { reason } : {}),
    });
  }

  async ban(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/ban`, {
      user_id: userId,
      ...(reason ? { reason } : {}),
    });
  }

  async resolveAlias(alias: string): Promise<{ room_id: string; servers: string[] }> {
    return this.request('GET', `/_matrix/client/v3/directory/room/${enc(alias)}`);
  }

  async joinedRooms(): Promise<string[]> {
    const res = await this.request<{ joined_rooms: string[] }>(
      'GET',
      '/_matrix/client/v3/joined_rooms',
    );
    return res.joined_rooms;
  }

  // ---------------------------------------------------------------- sending

  /** Sends an m.room.message; a string becomes an m.text body. Returns the event id. */
  async sendMessage(roomId: string, content: string | MessageContent): Promise<string> {
    return this.sendEvent(roomId, 'm.room.message', textContent(content));
  }

  /** PUT /rooms/{roomId}/send/{type}/{txnId}; returns the event id. */
  async sendEvent(
    roomId: string,
    type: string,
    content: MessageContent,
    txnId = newTxnId(),
  ): Promise<string> {
    const res = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
      content,
    );
    return res.event_id;
  }

  async sendState(
    roomId: string,
    type: string,
    stateKey: string,
    content: MessageContent,
  ): Promise<string> {
    const res = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      content,
    );
    return res.event_id;
  }

  async sendReaction(roomId: string, targetEventId: string, key: string): Promise<string> {
    return this.sendEvent(roomId, 'm.reaction', {
      'm.relates_to': { rel_type: 'm.annotation', event_id: targetEventId, key },
    });
  }

  /** An edit (m.replace) with `m.new_content` and a `* `-prefixed fallback. */
  async edit(
    roomId: string,
    targetEventId: string,
    newContent: string | MessageContent,
  ): Promise<string> {
    const inner = textContent(newContent);
    const fallback: MessageContent = { ...inner };
    if (typeof inner.body === 'string') fallback.body = `* ${inner.body}`;
    if (typeof inner.formatted_body === 'string')
      fallback.formatted_body = `* ${inner.formatted_body}`;
    return this.sendMessage(roomId, {
      ...fallback,
      'm.new_content': inner,
      'm.relates_to': { rel_type: 'm.replace', event_id: targetEventId },
    });
  }

  /** A rich reply (`m.in_reply_to`; no quoted fallback, as the spec no longer wants one). */
  async reply(
    roomId: string,
    targetEventId: string,
    content: string | MessageContent,
  ): Promise<string> {
    const c = textContent(content);
    return this.sendMessage(roomId, {
      ...c,
      'm.relates_to': {
        ...((c['m.relates_to'] as object | undefined) ?? {}),
        'm.in_reply_to': { event_id: targetEventId },
      },
    });
  }

  /**
   * A message in the thread rooted at `rootEventId`. `inReplyTo` (default: the root) is the
   * fallback reply target for clients without thread support; pass `isFallingBack: false`
   * to make it a real reply inside the thread.
   */
  async threadReply(
    roomId: string,
    rootEventId: string,
    content: string | MessageContent,
    opts: { inReplyTo?: string; isFallingBack?: boolean } = {},
  ): Promise<string> {
    return this.sendMessage(roomId, {
      ...textContent(content),
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: rootEventId,
        is_falling_back: opts.isFallingBack ?? true,
        'm.in_reply_to': { event_id: opts.inReplyTo ?? rootEventId },
      },
    });
  }

  async redact(roomId: string, eventId: string, reason?: string): Promise<string> {
    const res = await this.request<{ event_id: string }>(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(newTxnId())}`,
      reason ? { reason } : {},
    );
    return res.event_id;
  }

  async sendTyping(roomId: string, typing: boolean, timeoutMs = 30_000): Promise<void> {
    await this.request(
      'PUT',
      `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(this.userId)}`,
      {
        typing,
        ...(typing ? { timeout: timeoutMs } : {}),
      },
    );
  }

  async sendReadReceipt(roomId: string, eventId: string): Promise<void> {
    await this.request(
      'POST',
      `/_matrix/client/v3/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`,
      {},
    );
  }

  // ---------------------------------------------------------------- power levels

  async getPowerLevels(roomId: string): Promise<PowerLevels> {
    return this.getStateEvent<PowerLevels>(roomId, 'm.room.power_levels', '');
  }

  /**
   * Updates m.room.power_levels: reads the current content and merges `update` into it
   * (the `users`, `events` and `notifications` maps are merged key by key; a user set to
   * `null` is removed). A function receives the current content and returns the new one.
   */
  async setPowerLevels(
    roomId: string,
    update: Partial<Record<keyof PowerLevels, unknown>> | ((current: PowerLevels) => PowerLevels),
  ): Promise<string> {
    const current = await this.getPowerLevels(roomId);
    let next: PowerLevels;
    if (typeof update === 'function') {
      next = update(structuredClone(current));
    } else {
      next = { ...current };
      for (const [key, value] of Object.entries(update)) {
        if (
          (key === 'users' || key === 'events' || key === 'notifications') &&
          value &&
          typeof value === 'object'
        ) {
          const merged: Record<string, unknown> = {
            ...((current[key] as Record<string, unknown>) ?? {}),
          };
          for (const [k, v] of Object.entries(value)) {
            if (v === null) delete merged[k];
            else merged[k] = v;
          }
          next[key] = merged as Record<string, number>;
        } else {
          next[key] = value;
        }
      }
    }
    return this.sendState(roomId, 'm.room.power_levels', '', next);
  }

  async setUserPowerLevel(roomId: string, userId: string, level: number): Promise<string> {
    return this.setPowerLevels(roomId, { users: { [userId]: level } });
  }

  // ---------------------------------------------------------------- reading

  async getEvent(roomId: string, eventId: string): Promise<MatrixEvent> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`);
  }

  async getStateEvent<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey = '',
  ): Promise<T> {
    return this.request(
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
    );
  }

  async roomState(roomId: string): Promise<MatrixEvent[]> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`);
  }

  /** m.room.member events of the room (optionally only one membership). */
  async members(
    roomId: string,
    membership?: 'join' | 'invite' | 'leave' | 'ban' | 'knock',
  ): Promise<MatrixEvent[]> {
    const res = await this.request<{ chunk: MatrixEvent[] }>(
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/members`,
      undefined,
      { membership },
    );
    return res.chunk;
  }

  /** user id -> { display_name, avatar_url } of joined members. */
  async joinedMembers(
    roomId: string,
  ): Promise<Record<string, { display_name?: string; avatar_url?: string }>> {
    const res = await this.request<{
      joined: Record<string, { display_name?: string; avatar_url?: string }>;
    }>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/joined_members`);
    return res.joined;
  }

  /** GET /rooms/{roomId}/messages; defaults: dir b (newest first), limit 50. */
  async messages(roomId: string, opts: MessagesOptions = {}): Promise<MessagesResponse> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, undefined, {
      dir: opts.dir ?? 'b',
      limit: opts.limit ?? 50,
      from: opts.from,
      to: opts.to,
      filter: opts.filter ? JSON.stringify(opts.filter) : undefined,
    });
  }

  /** GET /rooms/{roomId}/relations/{eventId}[/relType[/eventType]]. */
  async relations(
    roomId: string,
    eventId: string,
    relType?: string,
    eventType?: string,
    opts: { limit?: number; dir?: 'b' | 'f' } = {},
  ): Promise<MatrixEvent[]> {
    let path = `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(eventId)}`;
    if (relType) path += `/${enc(relType)}`;
    if (relType && eventType) path += `/${enc(eventType)}`;
    const res = await this.request<{ chunk: MatrixEvent[] }>('GET', path, undefined, {
      limit: opts.limit ?? 100,
      dir: opts.dir ?? 'b',
    });
    return res.chunk;
  }

  /** A pagination token for "now" in the room: pass it as `since` to wait only for later events. */
  async syncToken(roomId: string): Promise<string> {
    const res = await this.messages(roomId, { dir: 'b', limit: 1 });
    return res.start;
  }

  /**
   * Waits for an event matching `predicate` and returns it. Polls GET /messages. Without
   * `since`, events already in the room count too (newest match first); with `since` (an
   * event id or a {@link syncToken}) only later events count (oldest match first).
   */
  async waitForEvent(
    roomId: string,
    predicate: (e: MatrixEvent) => boolean,
    timeoutOrOpts: number | WaitOptions = E2E_WAIT_MS,
  ): Promise<MatrixEvent> {
    const [event] = await this.waitForEvents(roomId, predicate, 1, timeoutOrOpts);
    return event as MatrixEvent;
  }

  /**
   * Waits until `count` distinct events match `predicate`; returns them oldest first
   * (when `since` is absent and more already exist than asked for, the newest `count` of them).
   */
  async waitForEvents(
    roomId: string,
    predicate: (e: MatrixEvent) => boolean,
    count: number,
    timeoutOrOpts: number | WaitOptions = E2E_WAIT_MS,
  ): Promise<MatrixEvent[]> {
    const opts: WaitOptions =
      typeof timeoutOrOpts === 'number' ? { timeoutMs: timeoutOrOpts } : timeoutOrOpts;
    const timeoutMs = opts.timeoutMs ?? E2E_WAIT_MS;
    const interval = opts.intervalMs ?? 150;
    const deadline = Date.now() + timeoutMs;
    const matched = new Map<string, MatrixEvent>(); // event id -> event, chronological
    let seen = 0;
    const recent: MatrixEvent[] = [];
    const consider = (e: MatrixEvent): void => {
      seen++;
      recent.push(e);
      if (recent.length > 10) recent.shift();
      if (!matched.has(e.event_id) && predicate(e)) matched.set(e.event_id, e);
    };

    // 1. Where to start reading forward from, and which existing events count.
    let forwardToken: string;
    if (opts.since && !opts.since.startsWith('$')) {
      forwardToken = opts.since;
    } else {
      const first = await this.messages(roomId, { dir: 'b', limit: 100 });
      forwardToken = first.start;
      const existing: MatrixEvent[] = [];
      const limit = opts.since ? 10_000 : (opts.backfill ?? 200);
      let page = first;
      let found = false;
      for (;;) {
        for (const e of page.chunk) {
          if (opts.since && e.event_id === opts.since) {
            found = true;
            break;
          }
          existing.push(e);
        }
        if (found || existing.length >= limit || !page.end || page.chunk.length === 0) break;
        page = await this.messages(roomId, { dir: 'b', limit: 100, from: page.end });
      }
      if (opts.since && !found) {
        throw new Error(`waitForEvents: event ${opts.since} not found in room ${roomId}`);
      }
      const candidates = existing.slice(0, limit).reverse(); // oldest first
      for (const e of candidates) consider(e);
      if (!opts.since && matched.size > count) {
        // Keep the newest matches.
        const newest = [...matched.values()].slice(-count);
        return newest;
      }
    }

    // 2. Poll forward from the token.
    for (;;) {
      if (matched.size >= count) return [...matched.values()].slice(0, count);
      if (Date.now() > deadline) {
        throw new Error(
          `waitForEvents: timed out after ${timeoutMs} ms in ${roomId}: ${matched.size}/${count} matching ` +
            `of ${seen} events seen; matched: ${JSON.stringify([...matched.values()].map(summarise))}; ` +
            `latest events: ${JSON.stringify(recent.map(summarise))}`,
        );
      }
      const page = await this.messages(roomId, { dir: 'f', limit: 100, from: forwardToken });
      for (const e of page.chunk) consider(e);
      if (page.chunk.length > 0 && page.end) {
        forwardToken = page.end;
        continue; // more may be waiting
      }
      await sleep(interval);
    }
  }

  // ---------------------------------------------------------------- media

  /** Uploads bytes; returns the mxc:// URI. */
  async uploadMedia(bytes: Uint8Array, contentType: string, filename?: string): Promise<string> {
    const res = await this.raw(
      'POST',
      '/_matrix/media/v3/upload',
      bytes,
      { filename },
      { 'content-type': contentType },
    );
    const text = await res.text();
    if (!res.ok) {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      const errcode =
        body && typeof body === 'object' && 'errcode' in body ? String(body.errcode) : undefined;
      throw new MatrixApiError('POST', '/_matrix/media/v3/upload', res.status, errcode, body);
    }
    return (JSON.parse(text) as { content_uri: string }).content_uri;
  }

  /** Downloads through the authenticated media API (`/_matrix/client/v1/media/download`). */
  async downloadMedia(mxc: string): Promise<Buffer> {
    return (await this.downloadMediaWithInfo(mxc)).data;
  }

  async downloadMediaWithInfo(
    mxc: string,
  ): Promise<{ data: Buffer; contentType: string | null; contentDisposition: string | null }> {
    const { serverName, mediaId } = parseMxc(mxc);
    const path = `/_matrix/client/v1/media/download/${enc(serverName)}/${enc(mediaId)}`;
    const res = await this.raw('GET', path);
    if (!res.ok) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      const errcode =
        body && typeof body === 'object' && 'errcode' in body ? String(body.errcode) : undefined;
      throw new MatrixApiError('GET', path, res.status, errcode, body);
    }
    return {
      data: Buffer.from(await res.arrayBuffer()),
      contentType: res.headers.get('content-type'),
      contentDisposition: res.headers.get('content-disposition'),
    };
  }
}

function summarise(e: MatrixEvent): Record<string, unknown> {
  const body = e.content.body;
  const short = typeof body === 'string' && body.length > 120 ? `${body.slice(0, 120)}…` : body;
  return { event_id: e.event_id, type: e.type, sender: e.sender, body: short };
}
