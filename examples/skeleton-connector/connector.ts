/**
 * The skeleton connector: what the core calls. Inbound events come from one ChangeFeed per
 * workspace (intake.ts); everything else here is a thin call to the platform's API, with its
 * failures turned into the errors the core knows how to retry or announce.
 */
import {
  RemoteApiError,
  UnsupportedError,
  type ChannelRef,
  type ChatInfo,
  type Connector,
  type ConnectorCapabilities,
  type ConnectorContext,
  type Download,
  type OutboundMessage,
  type RemoteChannelSummary,
  type RemoteUserInfo,
  type SentMessage,
  toPlainText,
} from '../../src/connector/index.js';
import type { MemoConfig, WorkspaceConfig } from './config.js';
import { ChangeFeed } from './intake.js';
import { PlatformError, openPlatform, type MemoPlatform } from './platform.js';

export class MemoConnector implements Connector {
  private readonly feeds: ChangeFeed[];

  constructor(
    ctx: ConnectorContext,
    private readonly config: MemoConfig,
  ) {
    this.feeds = Object.entries(config.workspaces).map(([ws, c]) => new ChangeFeed(ctx, ws, c));
  }

  async start(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.start()));
  }

  async stop(): Promise<void> {
    for (const feed of this.feeds) feed.stop();
  }

  capabilities(): ConnectorCapabilities {
    return {
      edits: true,
      deletes: true,
      reactions: true,
      threads: true,
      files: true,
      maxTextLength: 4000,
    };
  }

  getChatInfo(ref: ChannelRef): Promise<ChatInfo> {
    return this.call(ref.workspace, (api, token) => ({
      name: api.channelInfo(token, ref.channel).name,
      visibility: 'private',
    }));
  }

  listChannels(workspace: string): Promise<RemoteChannelSummary[]> {
    return this.call(workspace, (api, token) =>
      api
        .channelsOf(token)
        .map((c) => ({ workspace, channel: c.id, name: c.name, visibility: 'private' })),
    );
  }

  getUserInfo(workspace: string, userId: string): Promise<RemoteUserInfo> {
    return this.call(workspace, (api, token) => ({
      displayName: api.userInfo(token, userId).name,
    }));
  }

  /** getUserInfo gives no avatar handle, so the core never asks; say so if it does. */
  async downloadAvatar(): Promise<Download> {
    throw new UnsupportedError('Memo Chat avatars');
  }

  sendMessage(ref: ChannelRef, message: OutboundMessage): Promise<SentMessage> {
    const { sender, content } = message;
    const text = toPlainText(content.text);
    return this.call(ref.workspace, (api, token) => {
      const posted = api.post(token, ref.channel, {
        text: content.emote ? `* ${sender.displayName} ${text}` : text,
        threadRoot: message.threadRoot,
        shownAs: sender.displayName,
        files: content.attachments.map(({ name, data, mimetype }) => ({
          name,
          data,
          mimetype: mimetype ?? 'application/octet-stream',
        })),
        // The core retries a failed delivery with the same key: no second post.
        idempotencyKey: message.idempotencyKey,
      });
      return { messageIds: [posted.id] };
    });
  }

  editMessage(ref: ChannelRef, messageId: string, message: OutboundMessage): Promise<void> {
    const text = toPlainText(message.content.text);
    return this.call(ref.workspace, (api, token) => api.edit(token, messageId, text));
  }

  deleteMessage(ref: ChannelRef, messageId: string): Promise<void> {
    return this.call(ref.workspace, (api, token) => api.remove(token, messageId));
  }

  addReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    return this.call(ref.workspace, (api, token) => api.react(token, messageId, key, true));
  }

  removeReaction(ref: ChannelRef, messageId: string, key: string): Promise<void> {
    return this.call(ref.workspace, (api, token) => api.react(token, messageId, key, false));
  }

  /** Only a file attached to a message of this channel, fetched by its platform id. */
  downloadFile(ref: ChannelRef, fileId: string): Promise<Download> {
    return this.call(ref.workspace, (api, token) => {
      const file = api.file(token, ref.channel, fileId);
      return { data: file.data, mimetype: file.mimetype };
    });
  }

  /** Runs one API call; platform failures become RemoteApiError (429 and 5xx retryable). */
  private async call<T>(
    workspace: string,
    fn: (api: MemoPlatform, token: string) => T,
  ): Promise<T> {
    const ws: WorkspaceConfig | undefined = this.config.workspaces[workspace];
    if (!ws) {
      throw new RemoteApiError({
        message: `no Memo Chat workspace "${workspace}" in connectors.memo.workspaces`,
        retryable: false,
      });
    }
    try {
      return fn(openPlatform(ws.platform), ws.token);
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      const retryAfterMs = err.retryAfterSec === undefined ? undefined : err.retryAfterSec * 1000;
      const message = `Memo Chat answered ${err.status}: ${err.message}`;
      throw RemoteApiError.fromStatus(err.status, message, retryAfterMs);
    }
  }
}
