/**
 * Fetching a remote message's files for delivery. A file the connector refuses (it does not
 * come from the platform's own file endpoint) never fails the message: the message crosses
 * and the caller adds a note in place of the file.
 */
import type { ChannelRef, Connector, Download } from '../../connector/contract.js';
import { FileRefusedError, refusalNote } from '../../connector/file-url.js';
import type {
  Block,
  FormattedText,
  InboundContent,
  OutboundContent,
  RemoteAttachment,
} from '../../model/message.js';
import type { DeliveryDeps } from './deps.js';

export type AttachmentFetch = { file: Download } | { refused: string };

export async function fetchAttachment(
  att: RemoteAttachment,
  ref: ChannelRef,
  download: NonNullable<Connector['downloadFile']>,
  deps: DeliveryDeps,
): Promise<AttachmentFetch> {
  let reason = att.refused;
  if (reason === undefined) {
    try {
      return { file: await download(ref, att.fileId) };
    } catch (err) {
      if (!(err instanceof FileRefusedError)) throw err;
      reason = err.reason;
    }
  }
  const name = typeof att.name === 'string' && att.name !== '' ? att.name.slice(0, 255) : 'file';
  // Neither the file id nor a URL: either may carry a pre-authenticated token.
  deps.log.warn(
    { workspace: ref.workspace, channel: ref.channel, file: name.slice(0, 100), reason },
    'attachment refused: not from the platform file endpoint',
  );
  return { refused: refusalNote(reason, name) };
}

/** A file left out unread: larger than any limit of the media policy. */
export interface OversizeFile {
  /** Its position among the message's attachments. */
  file: number;
  name: string;
  size: number;
}

/**
 * A platform message's content as fetched once for every other platform: the files that
 * were read, each one's position in the message (`positions`, for the refusal marks), and
 * the oversize ones, which each side's media policy refuses and records.
 */
export interface RelayedContent extends OutboundContent {
  positions: number[];
  oversize: OversizeFile[];
}

/** The text with one paragraph per note after it (for platforms, where notices are text). */
export function withNotes(text: FormattedText, notes: readonly string[]): FormattedText {
  if (notes.length === 0) return text;
  const paragraphs = notes.map((note): Block => ({
    type: 'paragraph',
    children: [{ type: 'text', text: note }],
  }));
  return { blocks: [...text.blocks, ...paragraphs] };
}

/**
 * Fetches a remote message's files once, for relaying to other platforms; files the
 * connector refuses become notes at the end of the text, files over every size limit are
 * listed as `oversize` for each side's media policy.
 */
export async function relayContent(
  connector: Connector,
  ref: ChannelRef,
  content: InboundContent,
  deps: DeliveryDeps,
): Promise<RelayedContent> {
  const relayed: RelayedContent = { ...content, attachments: [], positions: [], oversize: [] };
  const notes: string[] = [];
  for (const [i, att] of content.attachments.entries()) {
    if (!connector.downloadFile) continue;
    const over = (size: number) => size > deps.limits.maxFileSize;
    if (over(att.size ?? 0)) {
      relayed.oversize.push({ file: i, name: att.name, size: att.size ?? 0 });
      continue;
    }
    const fetched = await fetchAttachment(att, ref, connector.downloadFile.bind(connector), deps);
    if ('refused' in fetched) {
      notes.push(fetched.refused);
      continue;
    }
    const { refused: _, ...info } = att;
    const { data, mimetype } = fetched.file;
    if (over(data.byteLength)) {
      relayed.oversize.push({ file: i, name: att.name, size: data.byteLength });
      continue;
    }
    relayed.attachments.push({ ...info, mimetype: att.mimetype ?? mimetype, data });
    relayed.positions.push(i);
  }
  return { ...relayed, text: withNotes(content.text, notes) };
}
