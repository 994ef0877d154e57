import type {
  InboundContent,
  OutboundContent,
  AttachmentKind,
  RemoteAttachment,
} from '../../model/message.js';
import { emptyText } from '../../model/message.js';
import { parseMatrix, renderMatrix } from '../../format/index.js';
import type { ChannelRef, Connector } from '../../connector/contract.js';
import type { MatrixEvent } from '../../matrix/durable-appservice.js';
import { BridgeError } from '../../util/errors.js';
import { ghostMentionsAsRemote } from './platform-text.js';
import type { DeliveryDeps } from './deps.js';
import { fetchAttachment } from './remote-files.js';
import type { MediaRefusal } from '../../media/media-refusal.js';
import {
  checkToMatrix,
  fileNote,
  oversizeToMatrix,
  type PlatformOrigin,
  type RefusedFile,
} from './media-checks.js';

const MEDIA_TYPES: Record<string, AttachmentKind> = {
  'm.image': 'image',
  'm.video': 'video',
  'm.audio': 'audio',
  'm.file': 'file',
};

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Converts an m.room.message (or sticker) content into the common model, fetching media. */
export async function matrixToOutbound(
  eventType: string,
  content: Record<string, unknown>,
  deps: DeliveryDeps,
): Promise<OutboundContent> {
  const msgtype = eventType === 'm.sticker' ? 'm.image' : str(content.msgtype);
  const relates = obj(content['m.relates_to']);
  const isReply =
    obj(relates?.['m.in_reply_to']) !== undefined && relates?.is_falling_back !== true;
  const body = str(content.body) ?? '';
  if (body.length > deps.limits.maxTextLength) {
    throw new BridgeError(
      'MESSAGE_TOO_LONG',
      `message is ${body.length} characters, over the bridge limit of ${deps.limits.maxTextLength} (bridge.max_text_length); send it in shorter parts`,
    );
  }
  const kind = msgtype ? MEDIA_TYPES[msgtype] : undefined;
  if (kind) {
    const url = str(content.url);
    if (!url) {
      throw new BridgeError(
        'UNSUPPORTED_MEDIA',
        'encrypted or malformed attachment cannot be bridged',
      );
    }
    const info = obj(content.info) ?? {};
    const media = await deps.gateway.download(url, deps.limits.maxFileSize);
    const filename = str(content.filename) ?? body ?? 'file';
    const hasCaption = str(content.filename) !== undefined && body !== '' && body !== filename;
    return {
      text: hasCaption ? parseMatrix({ ...content, msgtype: 'm.text' }, { isReply }) : emptyText(),
      attachments: [
        {
          kind,
          name: filename || 'file',
          mimetype: str(info.mimetype) ?? media.mimetype,
          size: media.data.byteLength,
          width: num(info.w),
          height: num(info.h),
          data: media.data,
        },
      ],
    };
  }
  return {
    text: parseMatrix(content, { isReply }),
    attachments: [],
    emote: msgtype === 'm.emote',
    notice: msgtype === 'm.notice',
  };
}

/** Pills to our own ghosts become remote mentions, so their platform can render them natively. */
export function resolveGhostMentions(
  content: OutboundContent,
  deps: DeliveryDeps,
): OutboundContent {
  return { ...content, text: ghostMentionsAsRemote(content.text, deps) };
}

export interface MatrixMessagePart {
  type: string;
  content: Record<string, unknown>;
}

/** Who sent a platform message, for the media policy; its refused files are added to `refused`. */
export interface MediaOrigin {
  platform: PlatformOrigin;
  refused: RefusedFile[];
}

/**
 * Converts a remote message into the Matrix events that show it: text first, then files
 * (a file the media policy refuses is a notice instead, and is added to `media.refused`).
 */
export async function inboundToMatrix(
  content: InboundContent,
  ref: ChannelRef,
  connector: Connector,
  deps: DeliveryDeps,
  media?: MediaOrigin,
): Promise<MatrixMessagePart[]> {
  const parts: MatrixMessagePart[] = [];
  const text = textContent(content, deps);
  if (text) parts.push({ type: 'm.room.message', content: text });
  if (!connector.downloadFile) return parts;
  const download = connector.downloadFile.bind(connector);
  for (const [i, att] of content.attachments.entries()) {
    parts.push(await fileToMatrix(att, i, { ref, download, deps, media }));
  }
  return parts;
}

const notice = (body: string): MatrixMessagePart => ({
  type: 'm.room.message',
  content: { msgtype: 'm.notice', body },
});

interface FileRoute {
  ref: ChannelRef;
  download: NonNullable<Connector['downloadFile']>;
  deps: DeliveryDeps;
  media?: MediaOrigin;
}

/** One platform file as a Matrix event: the file, or a notice saying why it is not there. */
async function fileToMatrix(
  att: RemoteAttachment,
  file: number,
  { ref, download, deps, media }: FileRoute,
): Promise<MatrixMessagePart> {
  const { maxFileSize } = deps.limits;
  const refused = (refusal: MediaRefusal): MatrixMessagePart => {
    media?.refused.push({ name: att.name, where: 'Matrix', refusal });
    return notice(fileNote(att.name, refusal));
  };
  // Larger than any limit: never read, but refused (and audited) like any other file.
  const oversize = async (size: number): Promise<MatrixMessagePart> =>
    media
      ? refused(await oversizeToMatrix(size, file, media.platform, deps))
      : notice(`(file ${att.name} is ${size} bytes, over the bridge limit; not bridged)`);
  if (att.size !== undefined && att.size > maxFileSize) return oversize(att.size);
  const fetched = await fetchAttachment(att, ref, download, deps);
  if ('refused' in fetched) return notice(fetched.refused);
  const { data } = fetched.file;
  if (data.byteLength > maxFileSize) return oversize(data.byteLength);
  const refusal = media && (await checkToMatrix(data, file, media.platform, deps));
  if (refusal) return refused(refusal);
  const mimetype = att.mimetype ?? fetched.file.mimetype;
  const mxc = await deps.gateway.upload(data, mimetype, att.name);
  const info: Record<string, unknown> = { mimetype, size: data.byteLength };
  if (att.width) info.w = att.width;
  if (att.height) info.h = att.height;
  return {
    type: 'm.room.message',
    content: { msgtype: `m.${att.kind}`, body: att.name, filename: att.name, url: mxc, info },
  };
}

/**
 * The m.room.message content for the text of a platform message, or undefined when there is
 * none. The text has been through `platformText` (remote-origin.ts), which decides what
 * may be a mention.
 */
export function textContent(
  content: InboundContent | OutboundContent,
  deps: DeliveryDeps,
): Record<string, unknown> | undefined {
  if (content.text.blocks.length === 0) return undefined;
  const rendered = renderMatrix(content.text, {
    userIdFor: (t) => (t.kind === 'matrix' ? t.userId : deps.codec.encode(t)),
  });
  const out: Record<string, unknown> = {
    msgtype: content.emote ? 'm.emote' : content.notice ? 'm.notice' : 'm.text',
    body: rendered.body,
  };
  if (rendered.formatted_body !== undefined) {
    out.format = 'org.matrix.custom.html';
    out.formatted_body = rendered.formatted_body;
  }
  out['m.mentions'] = rendered['m.mentions'];
  return out;
}

export function eventRelation(event: MatrixEvent): {
  kind?: 'edit' | 'reaction';
  target?: string;
  threadRoot?: string;
  replyTo?: string;
  key?: string;
} {
  const rel = obj(event.content['m.relates_to']);
  if (!rel) return {};
  const relType = str(rel.rel_type);
  const target = str(rel.event_id);
  if (relType === 'm.replace') return { kind: 'edit', target };
  if (relType === 'm.annotation') return { kind: 'reaction', target, key: str(rel.key) };
  const reply = str(obj(rel['m.in_reply_to'])?.event_id);
  if (relType === 'm.thread') {
    return { threadRoot: target, replyTo: rel.is_falling_back === true ? undefined : reply };
  }
  return { replyTo: reply };
}

export { obj, str };
