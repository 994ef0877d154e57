/**
 * Teams message content → the common model, for both sources: a Bot Framework activity
 * (`<at>` + mention entities, a text/html attachment) and a Graph chatMessage (`<at id>` +
 * `mentions`). Files come from the message's reference attachments (SharePoint/OneDrive,
 * fetched through Graph when an activity only names them) and inline hosted-content images.
 */
import {
  attachmentKindOf,
  isTransient,
  type InboundContent,
  type MentionTarget,
  type RemoteAttachment,
} from '../../src/connector/index.js';
import type { TeamsActivity } from './activity.js';
import type { TeamsDeps } from './deps.js';
import { parseTeamsHtml, type MentionResolution } from './format/index.js';
import type { GraphMessage } from './graph.js';
import { botAttachmentRefusal, shareUrlRefusal } from './files.js';
import { messagePath } from './directory.js';
import { botAttachmentFileId, hostedFileId, shareFileId } from './ids.js';

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  zip: 'application/zip',
};

/** A file card's SharePoint file; a card whose URL points elsewhere is refused, never fetched. */
function fileAttachment(name: string, url: unknown, graphUrl: string): RemoteAttachment {
  const mimetype = MIME_BY_EXT[name.split('.').pop()?.toLowerCase() ?? ''];
  const refused = shareUrlRefusal(url, graphUrl);
  return {
    fileId: refused ? '' : shareFileId(url as string),
    ...(refused && { refused }),
    name: name.slice(0, 255) || 'file',
    kind: attachmentKindOf(mimetype),
    mimetype,
  };
}

/** Files sent to the bot (personal chats): media types kept by the Bot Connector. */
const MEDIA_TYPE = /^(?:image|video|audio)\/[\w.+*-]+$/;

function botAttachment(
  d: TeamsDeps,
  a: TeamsActivity,
  x: NonNullable<TeamsActivity['attachments']>[number],
): RemoteAttachment {
  const mimetype = x.contentType!.endsWith('/*') ? undefined : x.contentType;
  const name = (x.name ?? `${attachmentKindOf(x.contentType)}`).slice(0, 255) || 'file';
  const refused = botAttachmentRefusal(x.contentUrl, a.serviceUrl, d.config);
  return {
    fileId: refused ? '' : botAttachmentFileId(x.contentUrl as string),
    ...(refused && { refused }),
    name,
    kind: attachmentKindOf(x.contentType),
    ...(mimetype && { mimetype }),
  };
}

/**
 * Inline images: hosted contents of this very message. An image under Graph that names
 * another message's content is refused; images elsewhere (emoji, links) are not files.
 */
function imageAttachments(
  images: Array<{ src: string; alt: string }>,
  graphUrl: string,
  messageId: string | undefined,
): RemoteAttachment[] {
  const out: RemoteAttachment[] = [];
  for (const img of images) {
    const name = `image-${out.length + 1}.png`;
    const fileId = messageId ? hostedFileId(img.src, graphUrl, messageId) : undefined;
    if (fileId) out.push({ fileId, name, kind: 'image' });
    else if (img.src.startsWith(`${graphUrl}/`))
      out.push({
        fileId: '',
        name,
        kind: 'image',
        refused: 'the image is not part of this message',
      });
  }
  return out;
}

function referenceAttachments(
  list: GraphMessage['attachments'],
  graphUrl: string,
): RemoteAttachment[] {
  return (list ?? [])
    .filter((a) => a.contentType === 'reference')
    .map((a) => fileAttachment(a.name ?? 'file', a.contentUrl, graphUrl));
}

/** Content of a Graph chatMessage. */
export function graphContent(d: TeamsDeps, m: GraphMessage): InboundContent {
  const html =
    m.body?.contentType === 'text' ? escapeText(m.body.content ?? '') : (m.body?.content ?? '');
  const parsed = parseTeamsHtml(html, (at): MentionResolution => {
    const mention = m.mentions?.find((x) => String(x.id) === at.id);
    if (mention?.mentioned?.conversation) return 'room';
    const user = mention?.mentioned?.user?.id;
    return user ? remote(d, user) : undefined;
  });
  return {
    text: parsed.text,
    attachments: [
      ...referenceAttachments(m.attachments, d.config.graph_url),
      ...imageAttachments(parsed.images, d.config.graph_url, m.id),
    ],
  };
}

function escapeText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '<br>');
}

const remote = (d: TeamsDeps, userId: string): MentionTarget => ({
  kind: 'remote',
  connector: d.connectorId,
  workspace: d.workspace,
  userId,
});

/** Content of a message activity; mentions of Bot Framework ids are resolved to AAD ids. */
export async function activityContent(
  d: TeamsDeps,
  a: TeamsActivity,
  channel: string,
  root: string | undefined,
): Promise<InboundContent> {
  const htmlPart = a.attachments?.find(
    (x) => x.contentType === 'text/html' && typeof x.content === 'string',
  );
  const html = typeof htmlPart?.content === 'string' ? htmlPart.content : (a.text ?? '');
  const targets: MentionResolution[] = [];
  for (const e of a.entities ?? []) {
    if (e.type !== 'mention') continue;
    const m = e.mentioned as { id?: unknown; aadObjectId?: unknown } | undefined;
    targets.push(await mentionTarget(d, a, channel, m));
  }
  const parsed = parseTeamsHtml(html, (at) => targets[at.ordinal]);
  const attachments = imageAttachments(parsed.images, d.config.graph_url, a.id);
  for (const x of a.attachments ?? []) {
    if (x.contentType === 'application/vnd.microsoft.teams.file.download.info') {
      attachments.push(fileAttachment(x.name ?? 'file', x.contentUrl, d.config.graph_url));
    } else if (MEDIA_TYPE.test(x.contentType ?? '')) {
      attachments.push(botAttachment(d, a, x));
    }
  }
  if (parsed.attachmentIds.length > 0 && !attachments.some((x) => x.fileId.startsWith('share:'))) {
    attachments.unshift(...(await referencedFiles(d, a.id!, channel, root)));
  }
  return { text: parsed.text, attachments };
}

async function mentionTarget(
  d: TeamsDeps,
  a: TeamsActivity,
  channel: string,
  m: { id?: unknown; aadObjectId?: unknown } | undefined,
): Promise<MentionResolution> {
  const id = typeof m?.id === 'string' ? m.id : undefined;
  if (!id) return undefined;
  if (typeof m?.aadObjectId === 'string') return remote(d, m.aadObjectId);
  if (id.startsWith('28:') || id === a.recipient?.id) return undefined;
  if (id.startsWith('19:')) return 'room';
  if (/^[0-9a-f-]{36}$/i.test(id)) return remote(d, id);
  const aad = await d.members.aadId(a.serviceUrl, channel, id);
  return aad ? remote(d, aad) : undefined;
}

/**
 * The reference attachments of a message the activity only names (`<attachment id>`), via
 * Graph. A refusal (the bot may not read it) leaves the message without them; anything that
 * may pass is thrown.
 */
async function referencedFiles(
  d: TeamsDeps,
  messageId: string,
  channel: string,
  root: string | undefined,
): Promise<RemoteAttachment[]> {
  try {
    const place = await d.directory.place(channel);
    if (!place) return [];
    const message = await d.graph.get<GraphMessage>(
      messagePath(place, messageId, root),
      'a message',
    );
    return referenceAttachments(message.attachments, d.config.graph_url);
  } catch (err) {
    // A passing failure must not cost the files: the activity is then refused and the
    // catch-up emits the message, files and all, from Graph.
    if (isTransient(err)) throw err;
    d.log.warn(
      { workspace: d.workspace, channel, err: (err as Error).message },
      'could not read the files of a message through Graph',
    );
    return [];
  }
}
