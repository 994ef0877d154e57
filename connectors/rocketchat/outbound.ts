import {
  type ChannelRef,
  isOwnMention,
  type OutboundMessage,
  type OutgoingAttachment,
  ownMentionNames,
  splitText,
  withEmoteActor,
} from '../../src/connector/index.js';
import { RocketChatApiError, type RocketChatApi } from './api.js';
import { escapeRocketText, renderRocketMarkdown } from './format/index.js';
import { CONNECTOR_ID, messageIdFor } from './ids.js';
import type { WireMessage } from './types.js';

/** Message_MaxAllowedSize's default; longer text is split into several messages. */
export const MAX_MESSAGE_LENGTH = 5000;
const MAX_ALIAS_LENGTH = 100;

export interface OutboundOptions {
  workspace: string;
  botUserId: string;
  /** true: alias/avatar carry the sender; false: the sender is named in the text. */
  impersonate: boolean;
  usernameOf(userId: string): Promise<string | undefined>;
  /** `<site>/channel/<name>?msg=<id>`: a link that makes Rocket.Chat quote the message. */
  quoteLink(rid: string, messageId: string): Promise<string | undefined>;
}

/** Thrown when the server refuses alias/avatar: the caller falls back to attribution. */
export function isImpersonationDenied(err: unknown): boolean {
  return (
    err instanceof RocketChatApiError &&
    err.status === 400 &&
    /not enough permission/i.test(err.serverError)
  );
}

/** Rocket.Chat markdown for a message, with native @mentions for users of this server. */
export async function renderText(message: OutboundMessage, opts: OutboundOptions): Promise<string> {
  const own = isOwnMention(CONNECTOR_ID, opts.workspace);
  const usernameFor = await ownMentionNames(message.content.text, own, opts.usernameOf);
  const body = message.content.emote
    ? withEmoteActor(message.content.text, message.sender.displayName)
    : message.content.text;
  const text = renderRocketMarkdown(body, { usernameFor });
  if (message.content.emote || opts.impersonate) return text;
  const name = escapeRocketText(message.sender.displayName);
  return text === '' ? `*${name}*:` : `*${name}*: ${text}`;
}

function identity(
  message: OutboundMessage,
  impersonate: boolean,
): { alias?: string; avatar?: string } {
  if (!impersonate) return {};
  const alias =
    message.sender.displayName.trim().slice(0, MAX_ALIAS_LENGTH) || message.sender.userId;
  const avatar = message.sender.avatarUrl;
  return avatar && /^https?:\/\//i.test(avatar) ? { alias, avatar } : { alias };
}

/**
 * chat.sendMessage with an `_id` derived from the delivery's idempotency key. When a retry
 * finds that id taken (the first attempt did reach the server), the existing message is the
 * answer.
 */
async function sendPart(
  api: RocketChatApi,
  botUserId: string,
  message: Record<string, unknown>,
): Promise<string> {
  try {
    const res = await api.post<{ message?: WireMessage }>('chat.sendMessage', { message });
    return res.message?._id ?? String(message._id);
  } catch (err) {
    if (!(err instanceof RocketChatApiError) || err.status !== 400 || isImpersonationDenied(err))
      throw err;
    const existing = await api
      .get<{ message?: WireMessage }>('chat.getMessage', { msgId: String(message._id) })
      .catch(() => undefined);
    if (existing?.message?.u?._id === botUserId && existing.message.rid === message.rid)
      return String(message._id);
    throw err;
  }
}

async function sendFile(
  api: RocketChatApi,
  rid: string,
  att: OutgoingAttachment,
  extra: Record<string, unknown>,
): Promise<string> {
  const up = await api.upload(rid, {
    name: att.name || 'file',
    type: att.mimetype ?? 'application/octet-stream',
    data: att.data,
  });
  const fileId = up.file?._id;
  if (!fileId)
    throw new RocketChatApiError(
      { message: 'Rocket.Chat did not return the uploaded file', retryable: false },
      '',
      undefined,
    );
  const res = await api.post<{ message?: WireMessage }>(
    `rooms.mediaConfirm/${encodeURIComponent(rid)}/${encodeURIComponent(fileId)}`,
    extra,
  );
  if (!res.message?._id)
    throw new RocketChatApiError(
      { message: 'Rocket.Chat did not return the file message', retryable: false },
      '',
      undefined,
    );
  return res.message._id;
}

/** Sends text (split when long) and files; returns the message ids in order. */
export async function sendOutbound(
  api: RocketChatApi,
  ref: ChannelRef,
  message: OutboundMessage,
  opts: OutboundOptions,
): Promise<string[]> {
  const rid = ref.channel;
  let text = await renderText(message, opts);
  const reply =
    message.replyTo && message.replyTo !== message.threadRoot ? message.replyTo : undefined;
  const link = reply ? await opts.quoteLink(rid, reply) : undefined;
  if (link) text = `[ ](${link}) ${text}`;
  const chunks = text === '' ? [] : splitText(text, MAX_MESSAGE_LENGTH);
  const common = {
    ...identity(message, opts.impersonate),
    ...(message.threadRoot && { tmid: message.threadRoot }),
  };
  const files = message.content.attachments;
  // A single short text goes with the first file as its caption.
  const caption = files.length > 0 && chunks.length === 1 ? chunks.pop() : undefined;
  const ids: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    ids.push(
      await sendPart(api, opts.botUserId, {
        _id: messageIdFor(message.idempotencyKey, i),
        rid,
        msg: chunk,
        ...common,
      }),
    );
  }
  for (const [i, att] of files.entries()) {
    const msg =
      i === 0 && caption !== undefined
        ? caption
        : opts.impersonate
          ? ''
          : await renderText(
              { ...message, content: { ...message.content, text: { blocks: [] } } },
              opts,
            );
    ids.push(await sendFile(api, rid, att, { ...common, ...(msg !== '' && { msg }) }));
  }
  return ids;
}
