import { createHash } from 'node:crypto';
import type { Bridge, Intent } from 'matrix-appservice-bridge';
import { BridgeError } from '../util/errors.js';

export interface MemberProfile {
  displayName?: string;
  avatarMxc?: string;
}

/** Deterministic transaction id: a retried delivery reuses it, so Synapse de-duplicates. */
export function txnId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function parseMxc(mxc: string): { server: string; mediaId: string } {
  const m = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(mxc);
  if (!m) throw new BridgeError('BAD_MXC', `not a valid mxc URI: ${mxc}`);
  return { server: m[1] as string, mediaId: m[2] as string };
}

/**
 * Everything the core does on the Matrix side, as a given user (a ghost or the bot).
 * Sends use PUT with deterministic transaction ids, so a delivery retried after a crash
 * yields the same event instead of a duplicate.
 */
export class MatrixGateway {
  private readonly profileCache = new Map<string, { at: number; profile: MemberProfile }>();

  constructor(
    private readonly bridge: Bridge,
    private readonly homeserverUrl: string,
    private readonly asToken: string,
  ) {}

  get botUserId(): string {
    return this.bridge.getBot().getUserId();
  }

  intent(userId?: string): Intent {
    return this.bridge.getIntent(userId);
  }

  async sendEvent(
    userId: string,
    roomId: string,
    type: string,
    content: Record<string, unknown>,
    txn: string,
  ): Promise<string> {
    const intent = this.intent(userId);
    await intent.join(roomId);
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txn)}`;
    const res = (await intent.matrixClient.doRequest('PUT', path, null, content)) as {
      event_id: string;
    };
    return res.event_id;
  }

  async redact(
    userId: string,
    roomId: string,
    eventId: string,
    txn: string,
    reason?: string,
  ): Promise<void> {
    const intent = this.intent(userId);
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/${encodeURIComponent(txn)}`;
    await intent.matrixClient.doRequest('PUT', path, null, reason ? { reason } : {});
  }

  async upload(data: Buffer, mimetype: string, name: string): Promise<string> {
    return this.intent().uploadContent(data, { type: mimetype, name });
  }

  /** Downloads media as the bridge bot, refusing anything over `maxBytes`. */
  async download(mxc: string, maxBytes: number): Promise<{ data: Buffer; mimetype: string }> {
    const { server, mediaId } = parseMxc(mxc);
    const url = `${this.homeserverUrl}/_matrix/client/v1/media/download/${encodeURIComponent(server)}/${encodeURIComponent(mediaId)}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.asToken}` } });
    if (!res.ok) {
      throw Object.assign(new Error(`media download answered ${res.status}`), {
        statusCode: res.status,
      });
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw tooLarge(declared, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge(total, maxBytes);
      chunks.push(Buffer.from(chunk));
    }
    return {
      data: Buffer.concat(chunks),
      mimetype: res.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  /** The room's `m.room.power_levels` content; undefined when the room has none. */
  async powerLevels(roomId: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.intent().getStateEvent(roomId, 'm.room.power_levels', '')) as Record<
        string,
        unknown
      >;
    } catch (err) {
      const e = err as { errcode?: string; body?: { errcode?: string } };
      if ((e.errcode ?? e.body?.errcode) === 'M_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Who sent an event and its type; undefined when the homeserver does not give it (gone). */
  async eventOrigin(
    roomId: string,
    eventId: string,
  ): Promise<{ sender: string; type: string } | undefined> {
    try {
      const event = (await this.intent().matrixClient.getEvent(roomId, eventId)) as {
        sender?: unknown;
        type?: unknown;
      };
      const { sender, type } = event;
      return typeof sender === 'string' && typeof type === 'string' ? { sender, type } : undefined;
    } catch (err) {
      const e = err as { errcode?: string; body?: { errcode?: string } };
      if ((e.errcode ?? e.body?.errcode) === 'M_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** The room's joined members with their room display names (as the bot sees them). */
  async joinedMembers(roomId: string): Promise<Array<{ userId: string; displayName?: string }>> {
    const joined = await this.intent().matrixClient.getJoinedRoomMembersWithProfiles(roomId);
    return Object.entries(joined).map(([userId, p]) => ({
      userId,
      displayName: typeof p.display_name === 'string' ? p.display_name : undefined,
    }));
  }

  /** A user's name and avatar as shown in a room (falls back to the global profile). */
  async memberProfile(roomId: string, userId: string): Promise<MemberProfile> {
    const key = `${roomId}|${userId}`;
    const cached = this.profileCache.get(key);
    if (cached && Date.now() - cached.at < 60_000) return cached.profile;
    let content: { displayname?: unknown; avatar_url?: unknown } | null = null;
    let failed = false;
    try {
      content = await this.intent().getStateEvent(roomId, 'm.room.member', userId, true);
    } catch {
      content = null;
    }
    if (!content) {
      try {
        content = await this.intent().getProfileInfo(userId);
      } catch {
        content = null;
        failed = true;
      }
    }
    const profile: MemberProfile = {
      displayName: typeof content?.displayname === 'string' ? content.displayname : undefined,
      avatarMxc: typeof content?.avatar_url === 'string' ? content.avatar_url : undefined,
    };
    // A lookup that failed (homeserver away) is not remembered: the next message asks again.
    if (!failed) this.profileCache.set(key, { at: Date.now(), profile });
    return profile;
  }
}

function tooLarge(size: number, max: number): BridgeError {
  return new BridgeError(
    'FILE_TOO_LARGE',
    `file is ${size} bytes, over the bridge limit of ${max} bytes (media.max_file_size, or bridge.max_file_size)`,
  );
}

export { parseMxc };
