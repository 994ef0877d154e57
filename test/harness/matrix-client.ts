import { randomBytes } from 'node:crypto';
import {
  apiErrorOf,
  parseMxc,
  type CreateRoomOptions,
  type MatrixEvent,
  type MessageContent,
  type MessagesOptions,
  type MessagesResponse,
  type PowerLevels,
  type WaitOptions,
} from './matrix-types.js';
import { waitForMatrixEvents } from './matrix-wait.js';
import { E2E_WAIT_MS } from './wait.js';

export * from './matrix-types.js';

let txnCounter = 0;
function newTxnId(): string {
  txnCounter += 1;
  return `t${Date.now()}-${process.pid}-${txnCounter}-${randomBytes(3).toString('hex')}`;
}

const enc = encodeURIComponent;

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
    if (!res.ok) throw apiErrorOf(method, path, res.status, text);
    let parsed: unknown = text;
    try {
      parsed = text.length ? JSON.parse(text) : {};
    } catch {
      // not JSON: the text itself
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
    return waitForMatrixEvents(this, roomId, predicate, count, timeoutOrOpts);
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
    if (!res.ok) throw apiErrorOf('POST', '/_matrix/media/v3/upload', res.status, text);
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
    if (!res.ok) throw apiErrorOf('GET', path, res.status, await res.text());
    return {
      data: Buffer.from(await res.arrayBuffer()),
      contentType: res.headers.get('content-type'),
      contentDisposition: res.headers.get('content-disposition'),
    };
  }
}
