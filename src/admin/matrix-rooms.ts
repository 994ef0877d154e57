import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { txnId } from '../matrix/matrix-gateway.js';
import { errorMessage } from '../util/errors.js';
import { AdminError } from './errors.js';
import type { CreateContent, PowerLevelsContent } from './room-power.js';

/** What administration needs from the Matrix side, as the bridge bot. */
export interface AdminMatrix {
  readonly botUserId: string;
  /** Room id for an id or alias; AdminError ROOM_NOT_FOUND when an alias does not resolve. */
  resolveRoom(roomOrAlias: string): Promise<string>;
  isBotJoined(roomId: string): Promise<boolean>;
  /** AdminError ROOM_UNREACHABLE when the homeserver refuses. */
  joinBot(roomId: string): Promise<void>;
  leaveBot(roomId: string): Promise<void>;
  powerLevels(roomId: string): Promise<PowerLevelsContent | undefined>;
  createEvent(roomId: string): Promise<{ sender: string; content: CreateContent } | undefined>;
  /** The room has an m.room.encryption state event; AdminError ROOM_UNREACHABLE when unreadable. */
  isEncrypted(roomId: string): Promise<boolean>;
  /** The room's m.room.name, or undefined when it has none (errors when unreadable). */
  roomName(roomId: string): Promise<string | undefined>;
  /** An m.notice from the bot; `key` makes a retried notice the same event. */
  notice(roomId: string, text: string, key: string): Promise<void>;
}

interface MatrixLikeError {
  statusCode?: number;
  errcode?: string;
  body?: { errcode?: string; error?: string };
}

function homeserverSaid(err: unknown): string {
  const m = err as MatrixLikeError;
  const errcode = m.body?.errcode ?? m.errcode;
  const text = m.body?.error;
  if (errcode || text) return [errcode, text].filter(Boolean).join(': ');
  return errorMessage(err);
}

/** AdminMatrix over the bridge's MatrixGateway. */
export class GatewayAdminMatrix implements AdminMatrix {
  constructor(private readonly gateway: MatrixGateway) {}

  get botUserId(): string {
    return this.gateway.botUserId;
  }

  async resolveRoom(roomOrAlias: string): Promise<string> {
    if (roomOrAlias.startsWith('!')) return roomOrAlias;
    try {
      return await this.gateway.intent().resolveRoom(roomOrAlias);
    } catch (err) {
      throw new AdminError(
        'ROOM_NOT_FOUND',
        `room alias ${roomOrAlias} does not resolve (${homeserverSaid(err)})`,
        { field: 'room' },
        { cause: err },
      );
    }
  }

  async isBotJoined(roomId: string): Promise<boolean> {
    const rooms = (await this.gateway.intent().matrixClient.getJoinedRooms()) as string[];
    return rooms.includes(roomId);
  }

  async joinBot(roomId: string): Promise<void> {
    try {
      await this.gateway.intent().join(roomId);
    } catch (err) {
      throw new AdminError(
        'ROOM_UNREACHABLE',
        `the bridge bot ${this.botUserId} cannot join ${roomId} (${homeserverSaid(err)}); ` +
          `invite it to the room first`,
        { field: 'room' },
        { cause: err },
      );
    }
  }

  async leaveBot(roomId: string): Promise<void> {
    await this.gateway.intent().leave(roomId);
  }

  async powerLevels(roomId: string): Promise<PowerLevelsContent | undefined> {
    const content: unknown = await this.gateway
      .intent()
      .getStateEvent(roomId, 'm.room.power_levels', '', true);
    return (content ?? undefined) as PowerLevelsContent | undefined;
  }

  async createEvent(
    roomId: string,
  ): Promise<{ sender: string; content: CreateContent } | undefined> {
    const client = this.gateway.intent().matrixClient;
    const room = encodeURIComponent(roomId);
    // `format=event` (spec 1.16) gives the sender too; older servers answer the content only.
    const one = (await client.doRequest(
      'GET',
      `/_matrix/client/v3/rooms/${room}/state/m.room.create/`,
      { format: 'event' },
    )) as { sender?: unknown; content?: CreateContent };
    if (typeof one.sender === 'string' && one.content) {
      return { sender: one.sender, content: one.content };
    }
    const state = (await client.doRequest(
      'GET',
      `/_matrix/client/v3/rooms/${room}/state`,
    )) as Array<{
      type: string;
      state_key: string;
      sender: string;
      content: CreateContent;
    }>;
    const create = state.find((e) => e.type === 'm.room.create' && e.state_key === '');
    return create ? { sender: create.sender, content: create.content } : undefined;
  }

  async isEncrypted(roomId: string): Promise<boolean> {
    try {
      const content: unknown = await this.gateway
        .intent()
        .getStateEvent(roomId, 'm.room.encryption', '', true);
      // Any content counts, even a redacted `{}`: clients encrypt on the event's presence.
      return content !== null && content !== undefined;
    } catch (err) {
      throw new AdminError(
        'ROOM_UNREACHABLE',
        `cannot read whether ${roomId} is encrypted (${homeserverSaid(err)}); invite the ` +
          `bridge bot ${this.botUserId} to the room`,
        { field: 'room' },
        { cause: err },
      );
    }
  }

  async roomName(roomId: string): Promise<string | undefined> {
    const content = (await this.gateway
      .intent()
      .getStateEvent(roomId, 'm.room.name', '', true)) as { name?: unknown } | null;
    return typeof content?.name === 'string' && content.name.trim() ? content.name : undefined;
  }

  /** A new direct-message room of the bot with `userId`, who is invited; its id. */
  async createDirectRoom(userId: string): Promise<string> {
    const created = await this.gateway.intent().createRoom({
      createAsClient: true,
      options: { is_direct: true, invite: [userId], preset: 'trusted_private_chat' },
    });
    return created.room_id;
  }

  async notice(roomId: string, text: string, key: string): Promise<void> {
    await this.gateway.sendEvent(
      this.botUserId,
      roomId,
      'm.room.message',
      { msgtype: 'm.notice', body: text },
      txnId('admin-notice', key),
    );
  }
}
