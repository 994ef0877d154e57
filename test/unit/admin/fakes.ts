import type { Connector, RemoteChannelSummary } from '../../../src/connector/contract.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { AdminError } from '../../../src/admin/errors.js';
import type { AdminMatrix } from '../../../src/admin/matrix-rooms.js';
import type { CreateContent, PowerLevelsContent } from '../../../src/admin/room-power.js';

/** A connector with one workspace `main` and the given channels (id → name). */
export function fakeConnector(channels: Record<string, string>, listable = true): Connector {
  const connector: Connector = {
    start: async () => undefined,
    stop: async () => undefined,
    capabilities: () => ({
      threads: true,
      maxTextLength: 4000,
    }),
    getChatInfo: async (ref) => {
      const name = channels[ref.channel];
      if (!name) throw RemoteApiError.fromStatus(404, 'Chat X answered 404: channel not found');
      return { name, visibility: 'public' };
    },
    getUserInfo: async () => ({ displayName: 'x' }),
    downloadAvatar: async () => ({ data: Buffer.alloc(0), mimetype: 'image/png' }),
    sendMessage: async () => ({ messageIds: ['1'] }),
  };
  if (listable) {
    connector.listChannels = async (workspace): Promise<RemoteChannelSummary[]> =>
      Object.entries(channels).map(([channel, name]) => ({
        workspace,
        channel,
        name,
        visibility: 'public',
      }));
  }
  return connector;
}

export interface FakeRoom {
  powerLevels?: PowerLevelsContent;
  create: { sender: string; content: CreateContent };
  /** The bot may join (invited or public). */
  joinable: boolean;
  alias?: string;
  /** Its m.room.name, when it has one. */
  name?: string;
  /** Content of its m.room.encryption state event, when it has one. */
  encryption?: Record<string, unknown>;
}

/** Matrix as administration sees it, in memory; records joins, leaves and notices. */
export class FakeMatrix implements AdminMatrix {
  readonly botUserId = '@bot:example.org';
  readonly rooms = new Map<string, FakeRoom>();
  readonly joined = new Set<string>();
  readonly left: string[] = [];
  readonly notices: Array<{ roomId: string; text: string }> = [];

  addRoom(roomId: string, room: FakeRoom): void {
    this.rooms.set(roomId, room);
  }

  async resolveRoom(roomOrAlias: string): Promise<string> {
    if (roomOrAlias.startsWith('!')) return roomOrAlias;
    for (const [id, r] of this.rooms) if (r.alias === roomOrAlias) return id;
    throw new AdminError('ROOM_NOT_FOUND', `room alias ${roomOrAlias} does not resolve`);
  }

  async isBotJoined(roomId: string): Promise<boolean> {
    return this.joined.has(roomId);
  }

  async joinBot(roomId: string): Promise<void> {
    if (!this.rooms.get(roomId)?.joinable) {
      throw new AdminError('ROOM_UNREACHABLE', `the bridge bot cannot join ${roomId}`);
    }
    this.joined.add(roomId);
  }

  async leaveBot(roomId: string): Promise<void> {
    this.joined.delete(roomId);
    this.left.push(roomId);
  }

  async powerLevels(roomId: string): Promise<PowerLevelsContent | undefined> {
    return this.rooms.get(roomId)?.powerLevels;
  }

  async createEvent(roomId: string): Promise<{ sender: string; content: CreateContent }> {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error('no such room');
    return room.create;
  }

  async isEncrypted(roomId: string): Promise<boolean> {
    return this.rooms.get(roomId)?.encryption !== undefined;
  }

  async roomName(roomId: string): Promise<string | undefined> {
    return this.rooms.get(roomId)?.name;
  }

  async notice(roomId: string, text: string): Promise<void> {
    this.notices.push({ roomId, text });
  }
}

/** Power levels where `users` hold the given levels and state needs 50. */
export function powerLevels(users: Record<string, number>): PowerLevelsContent {
  return { users, users_default: 0, state_default: 50, events: {} };
}
