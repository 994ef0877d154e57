import {
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
import type { MattermostConfig } from './config.js';
import { mattermostReactions } from './format/index.js';
import { downloadFile, downloadProfileImage } from './files.js';
import { CONNECTOR_ID, displayNameOf } from './inbound.js';
import { createPosts, MAX_POST_LENGTH, renderText } from './outbound.js';
import { channelVisibility, directChannelName } from './visibility.js';
import { MattermostWorkspace } from './workspace.js';

/**
 * Mattermost servers by workspace name. Each start resolves once its server is connected and
 * has caught up on the channels with new posts; the other linked channels are looked at in
 * the background.
 */
export class MattermostConnector
  extends WorkspaceConnector<MattermostWorkspace>
  implements Connector
{
  constructor(ctx: ConnectorContext, config: MattermostConfig) {
    super('Mattermost', CONNECTOR_ID, config.workspaces, (name) => {
      const ws = config.workspaces[name]!;
      return new MattermostWorkspace(name, { ...ws, identity: ws.identity ?? 'auto' }, ctx);
    });
  }

  capabilities(): DeclaredCapabilities {
    return {
      threads: true,
      maxTextLength: MAX_POST_LENGTH,
    };
  }

  /** The core's catch-up reads what a channel missed through this (`posts?since=`). */
  fetchMessagesSince(
    channel: LinkedChannel,
    cursor: string | undefined,
    limit: number,
  ): Promise<MessagesPage> {
    return this.ws(channel.workspace).fetchSince(channel, cursor, limit);
  }

  async getChatInfo(ref: ChannelRef): Promise<ChatInfo> {
    const ch = await this.ws(ref.workspace).api.getChannel(ref.channel);
    return {
      name: ch.display_name || ch.name,
      topic: ch.header || ch.purpose || undefined,
      visibility: channelVisibility(ch.type),
    };
  }

  /** Channels of every team the bot belongs to, with its direct and group messages. */
  async listChannels(workspace: string): Promise<RemoteChannelSummary[]> {
    const api = this.ws(workspace).api;
    const out = new Map<string, RemoteChannelSummary>();
    for (const team of await api.getMyTeams()) {
      for (const ch of await api.getMyChannels(team.id)) {
        if (ch.delete_at > 0 || out.has(ch.id)) continue;
        const visibility = channelVisibility(ch.type);
        const name =
          visibility === 'direct'
            ? directChannelName(ch)
            : `${team.display_name} / ${ch.display_name || ch.name}`;
        out.set(ch.id, { workspace, channel: ch.id, name, visibility });
      }
    }
    return [...out.values()];
  }

  async getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo> {
    const user = await this.ws(workspace).api.getUser(userId);
    return { displayName: displayNameOf(user), avatarId: String(user.last_picture_update ?? 0) };
  }

  async downloadAvatar(workspace: string, userId: string, avatarId: string): Promise<Download> {
    const api = this.ws(workspace).api;
    return downloadProfileImage(api.getUrl(), api.getToken(), userId, avatarId);
  }

  async sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage> {
    const ws = this.ws(ref.workspace);
    const opts = {
      workspace: ref.workspace,
      useOverrides: await ws.useOverrides(),
      usernameOf: (id: string) => ws.usernameOf(id),
    };
    return { messageIds: await createPosts(ws.api, ref, message, opts) };
  }

  async editMessage(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void> {
    const ws = this.ws(ref.workspace);
    const opts = {
      workspace: ref.workspace,
      useOverrides: await ws.useOverrides(),
      usernameOf: (id: string) => ws.usernameOf(id),
    };
    const text = await renderText(message, opts);
    await ws.api.patchPost({ id: messageId, message: text.slice(0, MAX_POST_LENGTH) });
  }

  async deleteMessage(ref: ChannelRef, messageId: string): Promise<void> {
    const ws = this.ws(ref.workspace);
    ws.noteOwnDelete(messageId);
    await ws.api.deletePost(messageId);
  }

  async addReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    const ws = this.ws(ref.workspace);
    await ws.api.addReaction(ws.botUserId, messageId, mattermostReactions.toName(key));
  }

  async removeReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    const ws = this.ws(ref.workspace);
    const name = mattermostReactions.find(key);
    // A key Mattermost has no name for was never added there: nothing to remove.
    if (name !== undefined) await ws.api.removeReaction(ws.botUserId, messageId, name);
  }

  async downloadFile(ref: ChannelRef, fileId: string): Promise<Download> {
    const api = this.ws(ref.workspace).api;
    return downloadFile(api.getUrl(), api.getToken(), fileId);
  }
}
