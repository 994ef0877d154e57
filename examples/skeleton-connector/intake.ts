/**
 * Inbound: one workspace's events, live and caught up. The realtime connection only says
 * "something changed in channel X"; the feed then reads the channel's change log after its
 * stored cursor, emits each change in order and moves the cursor only after the core has
 * recorded the event. Live delivery, catch-up after a restart and recovery after a dropped
 * connection are therefore one code path, and a replay yields the same event keys.
 */
import {
  connectionProblem,
  plainText,
  type ConnectorContext,
  type InboundContent,
  type LinkedChannel,
  type RemoteEvent,
  type RemoteSender,
} from '../../src/connector/index.js';
import type { WorkspaceConfig } from './config.js';
import { PlatformError, openPlatform, type Change, type MemoPlatform } from './platform.js';

/** How long to wait before reconnecting after the platform closed the realtime connection. */
const RECONNECT_MS = 1000;

export class ChangeFeed {
  private readonly platform: MemoPlatform;
  private botId = '';
  private disconnect: (() => void) | undefined;
  private stopped = false;
  /** Per channel, the pull in progress: pulls of one channel run one after another. */
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly workspace: string,
    private readonly config: WorkspaceConfig,
  ) {
    this.platform = openPlatform(config.platform);
  }

  async start(): Promise<void> {
    this.ctx.reportState(this.workspace, { status: 'connecting' });
    try {
      this.botId = this.platform.whoAmI(this.config.token).id;
    } catch (err) {
      if (!(err instanceof PlatformError && err.status === 401)) throw err;
      // The core logs this at error level with the full key (…workspaces.<name>.token) and URL.
      const problem = { authFailed: true, reason: 'Memo Chat refused the bot token' };
      this.ctx.reportState(
        this.workspace,
        connectionProblem(this.ctx.connectorId, this.workspace, { ...problem, ...this.where() }),
      );
      return;
    }
    await this.connect();
  }

  /** What the operator checks when a connection fails: the keys and the platform's address. */
  private where() {
    return { credentialKeys: 'token', urlKey: 'platform', url: `memo://${this.config.platform}` };
  }

  stop(): void {
    this.stopped = true;
    this.disconnect?.();
    this.ctx.reportState(this.workspace, { status: 'stopped' });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return; // stopped while a reconnect was waiting
    this.disconnect = this.platform.connect(
      this.config.token,
      (channel) => void this.pullIfLinked(channel),
      () => this.dropped(),
    );
    const channels = await this.linkedChannels();
    await Promise.all(channels.map((c) => this.pull(c)));
    if (!this.stopped) this.ctx.reportState(this.workspace, { status: 'connected' });
  }

  private dropped(): void {
    if (this.stopped) return;
    const reason = 'the realtime connection closed; reconnecting and catching up';
    this.ctx.reportState(
      this.workspace,
      connectionProblem(this.ctx.connectorId, this.workspace, {
        authFailed: false,
        reason,
        ...this.where(),
      }),
    );
    setTimeout(() => void this.connect().catch((err) => this.failed(err)), RECONNECT_MS);
  }

  private failed(err: unknown): void {
    this.ctx.logger.warn({ err, workspace: this.workspace }, 'Memo Chat catch-up failed');
    this.disconnect?.();
    this.dropped();
  }

  private async linkedChannels(): Promise<LinkedChannel[]> {
    return (await this.ctx.linkedChannels()).filter((c) => c.workspace === this.workspace);
  }

  private async pullIfLinked(channel: string): Promise<void> {
    const link = (await this.linkedChannels()).find((c) => c.channel === channel);
    if (link) await this.pull(link).catch((err) => this.failed(err));
  }

  private pull(link: LinkedChannel): Promise<void> {
    const previous = this.pulls.get(link.channel) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.pullNow(link));
    this.pulls.set(link.channel, next);
    return next;
  }

  /** Emits every change after the cursor (or, without one, since the link was made). */
  private async pullNow(link: LinkedChannel): Promise<void> {
    const key = `cursor:${this.workspace}:${link.channel}`;
    let cursor = Number((await this.ctx.storage.get(key)) ?? '0');
    for (;;) {
      const batch = this.platform.changes(this.config.token, link.channel, cursor);
      if (batch.length === 0 || this.stopped) return;
      for (const change of batch) {
        // Nothing from before the link is bridged; the bot's own doings are not echoed.
        if (change.ts >= link.linkedAt && change.by !== this.botId)
          await this.ctx.emit(this.toEvent(link, change));
        cursor = change.seq;
        await this.ctx.storage.set(key, String(cursor));
      }
    }
  }

  private toEvent(link: LinkedChannel, change: Change): RemoteEvent {
    const { workspace, channel } = link;
    const base = {
      workspace,
      channel,
      eventKey: `${workspace}:${channel}:${change.seq}`,
      ts: change.ts,
    };
    const messageId = change.message;
    const sender: RemoteSender = { userId: change.by };
    switch (change.kind) {
      case 'posted': {
        const m = this.platform.message(this.config.token, messageId);
        const content = this.contentOf(messageId);
        return { ...base, kind: 'message', messageId, sender, content, threadRoot: m.threadRoot };
      }
      case 'edited':
        return { ...base, kind: 'edit', messageId, sender, content: this.contentOf(messageId) };
      case 'deleted':
        return { ...base, kind: 'delete', messageId };
      case 'reacted':
      case 'unreacted': {
        const kind = change.kind === 'reacted' ? 'reaction' : 'reaction_remove';
        return { ...base, kind, messageId, sender, key: change.emoji };
      }
    }
  }

  /** Memo Chat has no markup: its text is plain text in the common model. */
  private contentOf(messageId: string): InboundContent {
    const m = this.platform.message(this.config.token, messageId);
    const attachments = m.files.map((f) => ({
      kind: f.mimetype.startsWith('image/') ? ('image' as const) : ('file' as const),
      name: f.name,
      mimetype: f.mimetype,
      size: f.data.length,
      fileId: f.id,
    }));
    return { text: plainText(m.text), attachments };
  }
}
