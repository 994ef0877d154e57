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

/** In place of a file larger than any limit of the media policy: it was never read. */
function overLimitNote(name: string): string {
  return `(file ${name.slice(0, 255)} is over the bridge limit; not bridged)`;
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
 * Fetches a remote message's files once, for relaying to other platforms; refused files
 * become notes at the end of the text.
 */
export async function relayContent(
  connector: Connector,
  ref: ChannelRef,
  content: InboundContent,
  deps: DeliveryDeps,
): Promise<OutboundContent> {
  const attachments = [];
  const notes: string[] = [];
  for (const att of content.attachments) {
    if (!connector.downloadFile) continue;
    if ((att.size ?? 0) > deps.limits.maxFileSize) {
      notes.push(overLimitNote(att.name));
      continue;
    }
    const fetched = await fetchAttachment(att, ref, connector.downloadFile.bind(connector), deps);
    if ('refused' in fetched) {
      notes.push(fetched.refused);
      continue;
    }
    const { refused: _, ...info } = att;
    const file = fetched.file;
    if (file.data.byteLength > deps.limits.maxFileSize) {
      notes.push(overLimitNote(att.name));
      continue;
    }
    attachments.push({ ...info, mimetype: att.mimetype ?? file.mimetype, data: file.data });
  }
  return { ...content, text: withNotes(content.text, notes), attachments };
}
