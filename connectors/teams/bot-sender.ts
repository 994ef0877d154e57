/**
 * Sending as the bot through the Bot Connector: message parts (a new post, or replies in a
 * channel thread), files (small images inline, others uploaded to the channel's SharePoint
 * folder and shared as a card), edits and deletes; all through the conversation's queue.
 */
import {
  escapeHtml,
  type OutboundMessage,
  type OutgoingAttachment,
  RemoteApiError,
} from '../../src/connector/index.js';
import type { TeamsDeps } from './deps.js';
import { kindOf } from './ids.js';
import {
  botActivity,
  botParts,
  fileCard,
  inlineImage,
  INLINE_IMAGE_MAX,
  senderHeader,
  tenantMentions,
} from './outbound.js';
import { markerHtml, SendLedger } from './send-ledger.js';

const ACTIVITY_LIMIT = 39_000;

export class BotSender {
  /** What was posted per idempotency key, durably, so a retry after a crash does not post twice. */
  private readonly ledger: SendLedger;

  constructor(private readonly d: TeamsDeps) {
    this.ledger = new SendLedger(d);
  }

  private async serviceUrl(channel: string): Promise<string> {
    return (await this.d.refs.get(channel))?.serviceUrl ?? this.d.config.default_service_url;
  }

  async send(
    channel: string,
    root: string | undefined,
    message: OutboundMessage,
  ): Promise<string[]> {
    const serviceUrl = await this.serviceUrl(channel);
    const activities = await this.activities(channel, message);
    const ids: string[] = [];
    let threadRoot = root;
    for (const [i, activity] of activities.entries()) {
      const key = message.idempotencyKey;
      const marked = { ...activity, text: `${String(activity.text)}${markerHtml(key, i)}` };
      const id = await this.ledger.post(key, i, { channel, root: threadRoot }, async () => {
        const target = threadRoot ? `${channel};messageid=${threadRoot}` : channel;
        const posted = await this.d.queue.run(channel, () =>
          this.d.botRate.run(channel, () => this.d.bot.send(serviceUrl, target, marked)),
        );
        this.d.echoes.messages.add(posted);
        return posted;
      });
      // Also an id recorded or found from an earlier attempt: it is still the bridge's own.
      this.d.echoes.messages.add(id);
      ids.push(id);
      // Later parts of a new channel post continue in its thread instead of cluttering the channel.
      if (kindOf(channel) === 'channel') {
        threadRoot ??= id;
        await this.d.threads.remember(id, threadRoot);
      }
    }
    return ids;
  }

  async edit(channel: string, messageId: string, message: OutboundMessage): Promise<void> {
    const serviceUrl = await this.serviceUrl(channel);
    const [first] = botParts(
      { ...message, content: { ...message.content, attachments: [] } },
      tenantMentions(this.d.connectorId, this.d.workspace),
    );
    await this.d.queue.run(channel, () =>
      this.d.botRate.run(channel, () =>
        this.d.bot.update(serviceUrl, channel, messageId, botActivity(first!)),
      ),
    );
  }

  async remove(channel: string, messageId: string): Promise<void> {
    const serviceUrl = await this.serviceUrl(channel);
    this.d.echoes.noteDelete(messageId);
    await this.d.queue.run(channel, () =>
      this.d.botRate.run(channel, () => this.d.bot.delete(serviceUrl, channel, messageId)),
    );
  }

  /** The activities for a message: text parts, then its files on the last part or on their own. */
  private async activities(
    channel: string,
    message: OutboundMessage,
  ): Promise<Array<Record<string, unknown>>> {
    const parts = botParts(message, tenantMentions(this.d.connectorId, this.d.workspace));
    const notes: string[] = [];
    const attachments: Array<Record<string, unknown>> = [];
    for (const att of message.content.attachments) {
      const shared = await this.share(channel, att).catch((err: unknown) => {
        // Transient failures go back to the core for a retry; a refusal (e.g. no
        // Files.ReadWrite.All) still lets the text through, with a note.
        if (err instanceof RemoteApiError && err.retryable) throw err;
        this.d.log.warn(
          { workspace: this.d.workspace, channel, err: (err as Error).message },
          'could not upload a file for the bot',
        );
        return undefined;
      });
      if (shared) attachments.push(shared);
      else
        notes.push(
          `<p>📎 <em>${escapeHtml(att.name)}</em>: ${kindOf(channel) === 'channel' ? 'this file could not be shared here by the bot' : 'files cannot be shared into Teams chats by the bot'}; link your Microsoft account to send files as yourself.</p>`,
        );
    }
    const last = parts[parts.length - 1]!;
    last.text += notes.join('');
    const activities = parts.map((p) => botActivity(p));
    const header = senderHeader(message.sender);
    for (const att of attachments) {
      const tail = activities[activities.length - 1]!;
      const withIt = { ...tail, attachments: [...((tail.attachments as unknown[]) ?? []), att] };
      if (Buffer.byteLength(JSON.stringify(withIt)) <= ACTIVITY_LIMIT)
        activities[activities.length - 1] = withIt;
      else activities.push(botActivity({ text: header, entities: [] }, [att]));
    }
    return activities;
  }

  /** A file as a bot attachment: inline when a small image, else uploaded and carded (channels only). */
  private async share(
    channel: string,
    att: OutgoingAttachment,
  ): Promise<Record<string, unknown> | undefined> {
    const mimetype = att.mimetype ?? 'application/octet-stream';
    if (
      att.kind === 'image' &&
      att.data.byteLength <= INLINE_IMAGE_MAX &&
      /^image\/(png|jpeg|gif|webp)$/.test(mimetype)
    ) {
      return inlineImage(att.name, mimetype, att.data);
    }
    if (kindOf(channel) !== 'channel') return undefined;
    const teamId = await this.d.directory.teamOf(channel);
    if (!teamId) return undefined;
    const folder = await this.d.graph.filesFolder(teamId, channel);
    const driveId = folder.parentReference?.driveId;
    if (!driveId) return undefined;
    const item = await this.d.graph.upload(
      `/drives/${driveId}/items/${folder.id}`,
      att.name,
      att.data,
      mimetype,
    );
    return fileCard(item.name, att.data.byteLength, item.webUrl);
  }
}
