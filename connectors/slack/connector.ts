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
  RemoteApiError,
  type RemoteUserInfo,
  type SentMessage,
  WorkspaceConnector,
} from '../../src/connector/index.js';
import type { SlackConfig } from './config.js';
import { avatarIdOf } from './directory.js';
import { slackErrorCode } from './errors.js';
import { downloadSlackFile } from './files.js';
import { slackReactions } from './format/index.js';
import { CONNECTOR_ID, toSlackUser } from './ids.js';
import { renderEdit, decorate } from './outbound-render.js';
import { joinWebhook } from './webhook-hub.js';
import { SlackWorkspace } from './workspace.js';
import { conversationVisibility, type SlackConversationFlags } from './visibility.js';

const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

export class SlackConnector extends WorkspaceConnector<SlackWorkspace> implements Connector {
  private leaveWebhook: (() => void) | undefined;

  constructor(
    private readonly ctx: ConnectorContext,
    config: SlackConfig,
  ) {
    super(
      'Slack',
      CONNECTOR_ID,
      config.workspaces,
      (name) => new SlackWorkspace(name, config.workspaces[name]!, ctx),
    );
  }

  override async start(): Promise<void> {
    const events = this.workspaces.all().filter((w) => w.config.mode === 'events');
    if (events.length > 0) {
      const { baseUrl, leave } = joinWebhook(this.ctx, {
        endpoint: (name) => events.find((w) => w.name === name),
      });
      this.leaveWebhook = leave;
      for (const w of events) {
        this.ctx.logger.info(
          { workspace: w.name, url: `${baseUrl}/events/${w.name}` },
          'Slack Events API Request URL',
        );
      }
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    this.leaveWebhook?.();
    this.leaveWebhook = undefined;
    await super.stop();
  }

  capabilities(): DeclaredCapabilities {
    return {
      threads: true,
      maxTextLength: 40_000,
    };
  }

  async getChatInfo(ref: ChannelRef): Promise<ChatInfo> {
    const res = await this.ws(ref.workspace).api.read('conversations.info', {
      channel: ref.channel,
    });
    const c = res.channel as SlackConversationFlags & {
      name?: string;
      topic?: { value?: string };
      purpose?: { value?: string };
    };
    return {
      name: c.name ?? ref.channel,
      topic: c.topic?.value || c.purpose?.value || undefined,
      visibility: conversationVisibility(c),
    };
  }

  async getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo> {
    const slackId = toSlackUser(userId);
    const profile = slackId ? await this.ws(workspace).directory.profile(slackId, true) : undefined;
    if (!profile)
      throw new RemoteApiError({ message: `no Slack user ${userId}`, retryable: false });
    return {
      displayName: profile.displayName,
      avatarId: profile.avatarUrl ? avatarIdOf(profile.avatarUrl) : undefined,
    };
  }

  async downloadAvatar(workspace: string, userId: string, _avatarId: string): Promise<Download> {
    const ws = this.ws(workspace);
    const slackId = toSlackUser(userId);
    const profile = slackId ? await ws.directory.profile(slackId) : undefined;
    if (!profile?.avatarUrl)
      throw new RemoteApiError({ message: `no avatar for ${userId}`, retryable: false });
    return ws.api.download(profile.avatarUrl, MAX_AVATAR_BYTES);
  }

  async sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage> {
    return { messageIds: await this.ws(ref.workspace).sender.send(ref, message) };
  }

  async editMessage(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void> {
    const ws = this.ws(ref.workspace);
    const rendered = renderEdit(decorate(message, !ws.customIdentity()), ref.workspace);
    await ws.api.write('chat.update', {
      channel: ref.channel,
      ts: messageId,
      text: rendered.text,
      blocks: rendered.blocks ?? [],
    });
  }

  async deleteMessage(ref: ChannelRef, messageId: string): Promise<void> {
    const ws = this.ws(ref.workspace);
    ws.intake.noteOwnDelete(ref.channel, messageId);
    try {
      await ws.api.write('chat.delete', { channel: ref.channel, ts: messageId });
    } catch (err) {
      // Already gone is what was wanted.
      if (slackErrorCode((err as Error).cause) !== 'message_not_found') throw err;
    }
  }

  async addReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    const refused = await this.react('reactions.add', ref, messageId, slackReactions.toName(key));
    // The workspace has no emoji of that name (a custom emoji of another platform).
    if (refused === 'invalid_name') throw slackReactions.unavailable(key);
  }

  async removeReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    // A key Slack has no name for (or refuses as `invalid_name`) was never added there.
    const name = slackReactions.find(key);
    if (name !== undefined) await this.react('reactions.remove', ref, messageId, name);
  }

  /**
   * Calls a reactions method. Answers the Slack error code when the call changed nothing:
   * `already_reacted` and `no_reaction` (what was wanted, e.g. on a retry) or `invalid_name`
   * (no such emoji); other failures are thrown.
   */
  private async react(
    method: string,
    ref: ChannelRef,
    messageId: string,
    name: string,
  ): Promise<string | undefined> {
    try {
      await this.ws(ref.workspace).api.write(method, {
        channel: ref.channel,
        timestamp: messageId,
        name,
      });
      return undefined;
    } catch (err) {
      const code = slackErrorCode((err as Error).cause);
      if (code === 'already_reacted' || code === 'no_reaction' || code === 'invalid_name')
        return code;
      throw err;
    }
  }

  /** The core's catch-up reads missed messages through this (see SlackIntake.fetchSince). */
  fetchMessagesSince(channel: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    return this.ws(channel.workspace).intake.fetchSince(channel, cursor);
  }

  async downloadFile(ref: ChannelRef, fileId: string): Promise<Download> {
    return downloadSlackFile(this.ws(ref.workspace).api, fileId, MAX_DOWNLOAD_BYTES);
  }

  async getUserHandle(workspace: string, userId: string): Promise<string | undefined> {
    const slackId = toSlackUser(userId);
    return slackId ? (await this.ws(workspace).directory.profile(slackId))?.handle : undefined;
  }
}
