import {
  BridgeError,
  type ChannelRef,
  type ChatInfo,
  type Connector,
  type ConnectorContext,
  type DeclaredCapabilities,
  type Download,
  type LinkedChannel,
  type MessagesPage,
  type OutboundMessage,
  type RemoteChannelSummary,
  type RemoteUserInfo,
  type SentMessage,
  WorkspaceConnector,
} from '../../src/connector/index.js';
import { RocketChatApiError } from './api.js';
import type { RocketChatConfig } from './config.js';
import { findReaction, matrixKeyToReaction, rocketReactions } from './format/index.js';
import {
  isImpersonationDenied,
  MAX_MESSAGE_LENGTH,
  renderText,
  sendOutbound,
  type OutboundOptions,
} from './outbound.js';
import { CONNECTOR_ID, isRocketId } from './ids.js';
import type { WireRoom } from './types.js';
import { roomName, roomVisibility } from './visibility.js';
import { RocketChatWorkspace } from './workspace.js';

const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
const LIST_PAGE = 100;
const MAX_LISTED_ROOMS = 2000;

export class RocketChatConnector
  extends WorkspaceConnector<RocketChatWorkspace>
  implements Connector
{
  constructor(ctx: ConnectorContext, config: RocketChatConfig) {
    super('Rocket.Chat', CONNECTOR_ID, config.workspaces, (name) => {
      const ws = config.workspaces[name]!;
      return new RocketChatWorkspace(name, { ...ws, identity: ws.identity ?? 'auto' }, ctx);
    });
  }

  capabilities(): DeclaredCapabilities {
    return {
      threads: true,
      maxTextLength: MAX_MESSAGE_LENGTH,
    };
  }

  /** The core's catch-up reads what a room missed through this (chat.syncMessages). */
  fetchMessagesSince(channel: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    return this.ws(channel.workspace).fetchSince(channel, cursor);
  }

  async getChatInfo(ref: ChannelRef): Promise<ChatInfo> {
    const room = await this.ws(ref.workspace).room(ref.channel, true);
    const name = room.fname || room.name || ref.channel;
    const visibility = roomVisibility(room.t);
    return room.topic ? { name, topic: room.topic, visibility } : { name, visibility };
  }

  /** Rooms the bot is in (public channels, private groups, direct messages), for pickers. */
  async listChannels(workspace: string): Promise<RemoteChannelSummary[]> {
    const api = this.ws(workspace).api;
    const out: RemoteChannelSummary[] = [];
    for (const [endpoint, field] of [
      ['channels.list.joined', 'channels'],
      ['groups.list', 'groups'],
      ['im.list', 'ims'],
    ] as const) {
      for (let offset = 0; offset < MAX_LISTED_ROOMS; offset += LIST_PAGE) {
        const res = await api.get<Record<string, unknown>>(endpoint, { offset, count: LIST_PAGE });
        const rooms = Array.isArray(res[field]) ? (res[field] as WireRoom[]) : [];
        for (const r of rooms) {
          if (!isRocketId(r._id)) continue;
          const visibility = roomVisibility(r.t ?? (field === 'ims' ? 'd' : undefined));
          out.push({ workspace, channel: r._id, name: roomName(r), visibility });
        }
        if (rooms.length < LIST_PAGE) break;
      }
    }
    return out;
  }

  async getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo> {
    const user = await this.ws(workspace).users.byUserId(userId);
    if (!user) throw new BridgeError('USER_UNKNOWN', `Rocket.Chat has no user ${userId}`);
    // Without an uploaded avatar Rocket.Chat draws initials: no avatar to copy.
    return user.avatarETag
      ? { displayName: user.name, avatarId: user.avatarETag }
      : { displayName: user.name };
  }

  async downloadAvatar(workspace: string, userId: string): Promise<Download> {
    const ws = this.ws(workspace);
    const user = await ws.users.byUserId(userId);
    if (!user) throw new BridgeError('USER_UNKNOWN', `Rocket.Chat has no user ${userId}`);
    return ws.api.downloadAvatar(user.username, MAX_AVATAR_BYTES);
  }

  async getUserHandle(workspace: string, userId: string): Promise<string | undefined> {
    return (
      await this.ws(workspace)
        .users.byUserId(userId)
        .catch(() => undefined)
    )?.username;
  }

  private async options(ws: RocketChatWorkspace, workspace: string): Promise<OutboundOptions> {
    return {
      workspace,
      botUserId: ws.botUserId,
      impersonate: await ws.impersonate(),
      usernameOf: async (id) => (await ws.users.byUserId(id).catch(() => undefined))?.username,
      quoteLink: (rid, messageId) => ws.quoteLink(rid, messageId),
    };
  }

  async sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage> {
    const ws = this.ws(ref.workspace);
    const opts = await this.options(ws, ref.workspace);
    try {
      return { messageIds: await sendOutbound(ws.api, ref, message, opts) };
    } catch (err) {
      if (!opts.impersonate || !isImpersonationDenied(err)) throw err;
      // The permission was taken away: name the sender in the text instead, and say so.
      ws.identity.denied();
      return {
        messageIds: await sendOutbound(ws.api, ref, message, { ...opts, impersonate: false }),
      };
    }
  }

  async editMessage(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void> {
    const ws = this.ws(ref.workspace);
    const text = await renderText(message, await this.options(ws, ref.workspace));
    await ws.api.post('chat.update', {
      roomId: ref.channel,
      msgId: messageId,
      text: text.slice(0, MAX_MESSAGE_LENGTH),
    });
  }

  async deleteMessage(ref: ChannelRef, messageId: string): Promise<void> {
    const ws = this.ws(ref.workspace);
    ws.noteOwnDelete(messageId);
    try {
      await ws.api.post('chat.delete', { roomId: ref.channel, msgId: messageId });
    } catch (err) {
      // Already gone (a retry after the first attempt got through): nothing left to do.
      if (
        err instanceof RocketChatApiError &&
        err.status === 400 &&
        /no message found/i.test(err.serverError)
      )
        return;
      throw err;
    }
  }

  async addReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    try {
      await this.ws(ref.workspace).api.post('chat.react', {
        messageId,
        emoji: matrixKeyToReaction(key),
        shouldReact: true,
      });
    } catch (err) {
      // The server has no emoji of that name (a custom emoji of another platform).
      if (isInvalidEmoji(err)) throw rocketReactions.unavailable(key);
      throw err;
    }
  }

  async removeReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    const emoji = findReaction(key);
    // A key Rocket.Chat has no name for was never added there: nothing to remove.
    if (emoji === undefined) return;
    try {
      await this.ws(ref.workspace).api.post('chat.react', { messageId, emoji, shouldReact: false });
    } catch (err) {
      if (!isInvalidEmoji(err)) throw err;
    }
  }

  async downloadFile(ref: ChannelRef, fileId: string): Promise<Download> {
    return this.ws(ref.workspace).api.downloadFile(fileId, MAX_DOWNLOAD_BYTES);
  }
}

/** Rocket.Chat's answer to a reaction name it does not know. */
function isInvalidEmoji(err: unknown): boolean {
  return err instanceof RocketChatApiError && /invalid emoji/i.test(err.serverError);
}
