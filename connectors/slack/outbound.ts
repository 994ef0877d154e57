import type { Logger } from 'pino';
import {
  BoundedMap,
  type ChannelRef,
  ChannelSerializer,
  type ConnectorStorage,
  type OutboundMessage,
  type OutgoingAttachment,
  RatePacer,
  RemoteApiError,
  SEND_LEDGER_TTL_MS,
  SendLedger,
} from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import { mayHaveSucceeded, slackErrorCode } from './errors.js';
import { tsToMs } from './ids.js';
import {
  decorate,
  fileComment,
  MAX_TEXT,
  renderParts,
  type RenderedText,
} from './outbound-render.js';
import type { ThreadIndex } from './threads.js';
import type { SlackFile, SlackMessage } from './types.js';

/** Slack takes at most 10 files per completed upload. */
const FILES_PER_MESSAGE = 10;
const METADATA_TYPE = 'matrix_bridge_message';
const SHARE_POLLS = 10;

type Part =
  | { kind: 'text'; rendered: RenderedText }
  | { kind: 'files'; files: OutgoingAttachment[]; comment: string };

export interface SenderDeps {
  workspace: string;
  api: SlackApi;
  threads: ThreadIndex;
  log: Logger;
  /** Durable storage: a post interrupted by a crash is looked up, not repeated, after a restart. */
  storage: ConnectorStorage;
  /** Whether Slack shows `username`/`icon_url` (chat:write.customize and identity mode). */
  customIdentity(): boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Posts Matrix messages to Slack: text (mrkdwn + rich_text) under the sender's name and avatar,
 * files through the external upload flow, paced per channel. A retried delivery (same
 * idempotency key) skips the parts already posted and, when an earlier attempt may have
 * reached Slack, looks for it by its message metadata instead of posting twice.
 */
export class SlackSender {
  /** Posts to a channel go one after another, in order, each waiting for a pacing token. */
  private readonly serializer = new ChannelSerializer();
  /**
   * Slack accepts about one message per second per channel (short bursts pass), so a burst
   * from Matrix is spread out instead of refused; a tenth below Slack's rate, as our clock
   * starts before Slack sees the request.
   */
  private readonly posts = new RatePacer({
    limits: [{ burst: 3, perSecond: 1 / 1.1 }],
    label: 'Slack chat.postMessage',
  });
  /** idempotency key → ts of the parts posted so far. */
  private readonly posted = new BoundedMap<string, string[]>(2000);

  private readonly ledger: SendLedger;

  constructor(private readonly d: SenderDeps) {
    this.ledger = new SendLedger(d.storage, `post:${d.workspace}:`);
  }

  /** A post to `channel`, after the ones queued before it and a pacing token. */
  private paced<T>(channel: string, post: () => Promise<T>): Promise<T> {
    return this.serializer.run(channel, () => this.posts.run(channel, post));
  }

  async send(ref: ChannelRef, message: OutboundMessage): Promise<string[]> {
    const threadTs = await this.threadFor(ref.channel, message);
    const done = this.posted.get(message.idempotencyKey) ?? [];
    const parts = this.plan(message);
    for (const [i, part] of parts.entries()) {
      if (done[i]) continue;
      const ts =
        part.kind === 'text'
          ? await this.postText(ref.channel, message, part.rendered, i, threadTs)
          : await this.postFiles(ref.channel, message, part, i, threadTs);
      if (!ts) continue;
      done[i] = ts;
      this.posted.set(message.idempotencyKey, done);
      if (threadTs) this.d.threads.note(ref.channel, ts, threadTs);
    }
    return done.filter(Boolean);
  }

  private plan(message: OutboundMessage): Part[] {
    const attribute = !this.d.customIdentity();
    const texts = renderParts(decorate(message, attribute), this.d.workspace);
    const files = message.content.attachments;
    if (files.length === 0) return texts.map((rendered) => ({ kind: 'text', rendered }));
    const parts: Part[] = [];
    const caption = fileComment(message, this.d.workspace);
    // A short caption rides on the file message; a long text goes first on its own.
    const separate = texts.length > 1 || caption.length >= MAX_TEXT;
    if (separate) parts.push(...texts.map((rendered): Part => ({ kind: 'text', rendered })));
    const comment = separate
      ? fileComment(
          { ...message, content: { ...message.content, text: { blocks: [] } } },
          this.d.workspace,
        )
      : caption;
    for (let i = 0; i < files.length; i += FILES_PER_MESSAGE) {
      parts.push({ kind: 'files', files: files.slice(i, i + FILES_PER_MESSAGE), comment });
    }
    return parts;
  }

  /** Slack threads are one level deep: a reply to a reply goes into the same thread. */
  private async threadFor(channel: string, message: OutboundMessage): Promise<string | undefined> {
    if (message.threadRoot) {
      return this.d.threads.rootOf(channel, message.threadRoot) ?? message.threadRoot;
    }
    if (!message.replyTo) return undefined;
    return this.d.threads.resolve(channel, message.replyTo);
  }

  private identityArgs(message: OutboundMessage): Record<string, unknown> {
    if (!this.d.customIdentity()) return {};
    const args: Record<string, unknown> = { username: message.sender.displayName.slice(0, 80) };
    if (message.sender.avatarUrl) args.icon_url = message.sender.avatarUrl;
    return args;
  }

  private async postText(
    channel: string,
    message: OutboundMessage,
    rendered: RenderedText,
    part: number,
    threadTs: string | undefined,
  ): Promise<string> {
    const args: Record<string, unknown> = {
      channel,
      text: rendered.text,
      ...(rendered.blocks ? { blocks: rendered.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...this.identityArgs(message),
      metadata: { event_type: METADATA_TYPE, event_payload: { key: message.idempotencyKey, part } },
    };
    return this.ledger.postOnce(`${message.idempotencyKey}#${part}`, {
      post: async () => {
        const res = await this.paced(channel, () =>
          this.d.api.write('chat.postMessage', args, `chat.postMessage:${channel}`),
        );
        return String(res.ts);
      },
      recover: (since) => this.findPosted(channel, threadTs, message.idempotencyKey, part, since),
      certainlyNotPosted: (err) => (err instanceof RemoteApiError ? !mayHaveSucceeded(err) : false),
    });
  }

  /** A message this bridge posted for `key`/`part` since `since`, found by its metadata. */
  private async findPosted(
    channel: string,
    threadTs: string | undefined,
    key: string,
    part: number,
    since: number,
  ): Promise<string | undefined> {
    const oldest = String(Math.floor(since / 1000) - 60);
    const res = threadTs
      ? await this.d.api.read('conversations.replies', {
          channel,
          ts: threadTs,
          oldest,
          include_all_metadata: true,
          limit: 200,
        })
      : await this.d.api.read('conversations.history', {
          channel,
          oldest,
          include_all_metadata: true,
          limit: 200,
        });
    const match = ((res.messages ?? []) as SlackMessage[]).find(
      (m) =>
        m.metadata?.event_type === METADATA_TYPE &&
        m.metadata.event_payload?.key === key &&
        m.metadata.event_payload.part === part,
    );
    if (match)
      this.d.log.debug({ channel, ts: match.ts }, 'an earlier attempt had posted the message');
    return match?.ts;
  }

  /**
   * A files part, once: the uploaded file ids are kept durably before the upload is completed,
   * so after a crash the retry finds where they were shared instead of sharing them again.
   */
  private async postFiles(
    channel: string,
    message: OutboundMessage,
    part: Extract<Part, { kind: 'files' }>,
    index: number,
    threadTs: string | undefined,
  ): Promise<string | undefined> {
    const key = `${message.idempotencyKey}#${index}`;
    const idsSlot = `files:${this.d.workspace}:${key}`;
    const ts = await this.ledger.postOnce(key, {
      post: async () => {
        const ids = await this.uploadFiles(part.files);
        // Kept as long as the ledger's own record of the part (after that no retry comes).
        await this.d.storage.set(idsSlot, JSON.stringify(ids), { ttlMs: SEND_LEDGER_TTL_MS });
        return (await this.completeUpload(channel, part, ids, threadTs)) ?? '';
      },
      recover: async () => {
        const ids = parseIds(await this.d.storage.get(idsSlot));
        return ids[0] ? this.shareTs(ids[0], channel, SHARE_POLLS) : undefined;
      },
      certainlyNotPosted: (err) => (err instanceof RemoteApiError ? !mayHaveSucceeded(err) : false),
    });
    return ts || undefined;
  }

  private async uploadFiles(files: OutgoingAttachment[]): Promise<string[]> {
    const ids: string[] = [];
    for (const file of files) {
      const slot = await this.d.api.write('files.getUploadURLExternal', {
        filename: file.name,
        length: file.data.byteLength,
      });
      await this.d.api.upload(String(slot.upload_url), file.data);
      ids.push(String(slot.file_id));
    }
    return ids;
  }

  /** Shares uploaded files in the channel; the ts of the message that shows them. */
  private async completeUpload(
    channel: string,
    part: Extract<Part, { kind: 'files' }>,
    ids: string[],
    threadTs: string | undefined,
  ): Promise<string | undefined> {
    const done = await this.paced(channel, () =>
      this.d.api.write('files.completeUploadExternal', {
        files: ids.map((id, i) => ({ id, title: part.files[i]!.name })),
        channel_id: channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(part.comment ? { initial_comment: part.comment } : {}),
      }),
    );
    const completed = (done.files ?? []) as SlackFile[];
    const ts =
      sharedIn(completed[0], channel) ?? (await this.shareTs(ids[0]!, channel, SHARE_POLLS));
    if (!ts) this.d.log.warn({ channel }, 'Slack did not report where the file was shared');
    return ts;
  }

  /** The ts of the message sharing a file in a channel; Slack fills this in shortly after upload. */
  private async shareTs(
    fileId: string,
    channel: string,
    polls: number,
  ): Promise<string | undefined> {
    for (let i = 0; i < polls; i++) {
      if (i > 0) await sleep(300);
      const info = await this.d.api.read('files.info', { file: fileId }).catch((err: unknown) => {
        // An upload whose completion Slack never took is unknown to it: it was not shared.
        if (slackErrorCode((err as Error).cause) === 'file_not_found') return undefined;
        throw err;
      });
      if (!info) return undefined;
      const ts = sharedIn(info.file as SlackFile | undefined, channel);
      if (ts) return ts;
    }
    return undefined;
  }
}

function sharedIn(file: SlackFile | undefined, channel: string): string | undefined {
  const shares = file?.shares;
  const list = shares?.public?.[channel] ?? shares?.private?.[channel];
  if (!list || list.length === 0) return undefined;
  // The newest share is the one just made.
  return [...list].sort((a, b) => tsToMs(b.ts) - tsToMs(a.ts))[0]?.ts;
}

/** File ids kept by an interrupted files part (none when unreadable). */
function parseIds(raw: string | undefined): string[] {
  try {
    const ids: unknown = JSON.parse(raw || '[]');
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
