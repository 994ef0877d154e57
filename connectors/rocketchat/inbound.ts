import {
  attachmentKindOf,
  type EditEvent,
  type InboundContent,
  type MessageEvent,
  type RemoteAttachment,
  type RemoteSender,
  usernameMentions,
} from '../../src/connector/index.js';
import { extractMentionNames, parseRocketMarkdown } from './format/index.js';
import { CONNECTOR_ID, eventKeys, isRocketId } from './ids.js';
import { fileIdFor, platformFiles, uploadIdOf } from './files.js';
import { toMs, type WireAttachment, type WireFile, type WireMessage } from './types.js';
import type { KnownUser, UserDirectory } from './users.js';

const MAX_ATTACHMENTS = 20;

/** Links to messages put at the start of the text make a quote (Rocket.Chat's reply). */
const QUOTE_LINK = /^\s*\[\s*\]\(([^)\s]+)\)\s*/;

export function messageIdFromLink(link: string): string | undefined {
  try {
    const id = new URL(link).searchParams.get('msg');
    return id !== null && isRocketId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Splits the quote links off the text; the first quoted message is what this one replies to. */
export function splitQuotes(
  msg: string,
  attachments: readonly WireAttachment[],
): { text: string; replyTo?: string } {
  let text = msg;
  let replyTo: string | undefined;
  for (let m = QUOTE_LINK.exec(text); m; m = QUOTE_LINK.exec(text)) {
    const id = messageIdFromLink(m[1]!);
    if (!id) break;
    replyTo ??= id;
    text = text.slice(m[0].length);
  }
  // A quote can also be made with just the attachment (other clients, older servers).
  replyTo ??= attachments
    .map((a) => (a.message_link ? messageIdFromLink(a.message_link) : undefined))
    .find(Boolean);
  return { text, replyTo };
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An attachment a client shows as a file (as opposed to a quote or a link preview). */
function looksLikeFile(a: WireAttachment): boolean {
  const links = [a.title_link, a.image_url, a.audio_url, a.video_url];
  return (
    (a as { title_link_download?: unknown }).title_link_download === true ||
    links.some((l) => typeof l === 'string' && l.includes('file-upload'))
  );
}

function toAttachment(
  fileId: string,
  info: WireFile | undefined,
  a: WireAttachment | undefined,
): RemoteAttachment {
  const mime = str(a?.image_type) ?? str(a?.video_type) ?? str(a?.audio_type) ?? str(info?.type);
  const att: RemoteAttachment = {
    fileId,
    kind: attachmentKindOf(mime, { image: a?.image_url, video: a?.video_url, audio: a?.audio_url }),
    name: (str(a?.title) ?? str(info?.name) ?? 'file').slice(0, 255),
  };
  if (mime) att.mimetype = mime;
  const size = num(a?.image_size) ?? num(a?.video_size) ?? num(a?.audio_size) ?? num(info?.size);
  if (size !== undefined) att.size = size;
  const width = num(a?.image_dimensions?.width);
  const height = num(a?.image_dimensions?.height);
  if (width) att.width = width;
  if (height) att.height = height;
  return att;
}

/**
 * Uploaded files: the server's own file records of the message, described by the attachment
 * that names each (`title_link` = `/file-upload/<id>/<name>`). An attachment that looks like a
 * file but names no file of this message (a sender can post any attachment) is refused.
 */
export function fileAttachments(m: WireMessage): RemoteAttachment[] {
  const files = platformFiles(m);
  const out: RemoteAttachment[] = [];
  const described = new Set<string>();
  for (const a of (Array.isArray(m.attachments) ? m.attachments : []).slice(0, MAX_ATTACHMENTS)) {
    if (typeof a !== 'object' || a === null || !looksLikeFile(a)) continue;
    const id = uploadIdOf(a.title_link);
    const info = id === undefined ? undefined : files.get(id);
    if (id === undefined || !info || described.has(id)) {
      const refused = 'it names no file the server attached to this message';
      out.push({ ...toAttachment('', undefined, a), refused });
      continue;
    }
    described.add(id);
    out.push(toAttachment(fileIdFor({ ...info, _id: id }), info, a));
  }
  for (const [id, info] of files) {
    if (!described.has(id))
      out.push(toAttachment(fileIdFor({ ...info, _id: id }), info, undefined));
  }
  return out.slice(0, MAX_ATTACHMENTS);
}

/** Text (markdown, mentions resolved to users of this server) and files of a message. */
export async function messageContent(
  m: WireMessage,
  workspace: string,
  users: UserDirectory,
): Promise<{ content: InboundContent; replyTo?: string }> {
  const attachments = Array.isArray(m.attachments)
    ? m.attachments.filter((a) => typeof a === 'object' && a !== null)
    : [];
  const { text, replyTo } = splitQuotes(typeof m.msg === 'string' ? m.msg : '', attachments);
  // Older servers put a file's caption in the attachment description.
  const caption =
    text.trim() === '' ? (attachments.map((a) => str(a.description)).find(Boolean) ?? '') : text;
  const found = new Map<string, KnownUser>();
  for (const name of extractMentionNames(caption).slice(0, 50)) {
    const user = await users.byUsername(name);
    if (user) found.set(name.toLowerCase(), user);
  }
  const parsed = parseRocketMarkdown(
    caption,
    usernameMentions(CONNECTOR_ID, workspace, found, (u) => u.name),
  );
  return { content: { text: parsed, attachments: fileAttachments(m) }, replyTo };
}

export function senderOf(m: WireMessage): RemoteSender {
  const alias = str(m.alias);
  return { userId: m.u?._id ?? '', ...(alias && { displayName: alias.slice(0, 100) }) };
}

export async function messageEvent(
  m: WireMessage,
  workspace: string,
  users: UserDirectory,
): Promise<MessageEvent> {
  const { content, replyTo } = await messageContent(m, workspace, users);
  const id = m._id!;
  const event: MessageEvent = {
    kind: 'message',
    workspace,
    channel: m.rid!,
    eventKey: eventKeys.message(id),
    ts: toMs(m.ts) ?? Date.now(),
    messageId: id,
    sender: senderOf(m),
    content,
  };
  if (isRocketId(m.tmid)) event.threadRoot = m.tmid;
  if (replyTo && replyTo !== id && replyTo !== m.tmid) event.replyTo = replyTo;
  return event;
}

export async function editEvent(
  m: WireMessage,
  editedAt: number,
  workspace: string,
  users: UserDirectory,
): Promise<EditEvent> {
  const { content } = await messageContent(m, workspace, users);
  return {
    kind: 'edit',
    workspace,
    channel: m.rid!,
    eventKey: eventKeys.edit(m._id!, editedAt),
    ts: editedAt,
    messageId: m._id!,
    sender: senderOf(m),
    content: { ...content, attachments: [] },
  };
}

/**
 * Message types that are conversation. Others (`uj` joins, `au` added-user, `room_changed_*`,
 * `e2e`…) are system notices or unreadable here; `rm` marks a removed message.
 */
export function isConversation(m: WireMessage): boolean {
  return m.t === undefined || m.t === null || m.t === '';
}
