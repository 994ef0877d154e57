/**
 * A bot's outgoing activity (text, mention entities, attachments) → the message Teams
 * stores, as Graph shows it: `<at id="N">` mentions with a mentions list, cards as
 * attachments referenced from the body, inline base64 images as hosted contents.
 */
import { ApiError } from './http.js';
import { guid } from './ids.js';
import type { SimAttachment, SimMention, SimMessage, SimState } from './state.js';
import { graphMessagePath } from './graph-shapes.js';
import type { Sim } from './context.js';

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const CARD_TYPES = new Set([
  'application/vnd.microsoft.card.adaptive',
  'application/vnd.microsoft.card.hero',
  'application/vnd.microsoft.card.thumbnail',
  'application/vnd.microsoft.card.o365connector',
]);

/** Markdown is what Teams assumes when a bot sets no textFormat; only the basics matter here. */
function markdownToHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<em>$2</em>')
    .replace(/\n/g, '<br>');
}

export interface BotContent {
  html: string;
  mentions: SimMention[];
  attachments: SimAttachment[];
  images: Array<{ id: string; data: Buffer; mimetype: string; name: string }>;
}

interface ActivityLike {
  text?: unknown;
  textFormat?: unknown;
  entities?: unknown;
  attachments?: unknown;
}

function findUser(state: SimState, id: string): string | undefined {
  for (const u of state.users.values())
    if (u.id === id || u.bfId === id || u.userPrincipalName === id) return u.id;
  return undefined;
}

export function botContent(state: SimState, a: ActivityLike): BotContent {
  const text = typeof a.text === 'string' ? a.text : '';
  let html =
    a.textFormat === 'xml'
      ? text
      : a.textFormat === 'plain'
        ? escapeHtml(text).replace(/\n/g, '<br>')
        : markdownToHtml(text);
  const mentions: SimMention[] = [];
  const entities = Array.isArray(a.entities) ? (a.entities as Array<Record<string, unknown>>) : [];
  for (const e of entities) {
    if (e?.type !== 'mention') continue;
    const mentioned = e.mentioned as { id?: unknown; name?: unknown } | undefined;
    const tag = typeof e.text === 'string' ? e.text : `<at>${String(mentioned?.name ?? '')}</at>`;
    const userId = typeof mentioned?.id === 'string' ? findUser(state, mentioned.id) : undefined;
    if (!userId)
      throw new ApiError(
        400,
        'BadArgument',
        `mentioned user ${String(mentioned?.id)} is not in the tenant`,
      );
    const at = html.indexOf(tag);
    if (at < 0)
      throw new ApiError(
        400,
        'BadArgument',
        `mention text ${tag} does not occur in the message text`,
      );
    const id = mentions.length;
    const inner = tag.replace(/^<at>|<\/at>$/g, '');
    html = `${html.slice(0, at)}<at id="${id}">${inner}</at>${html.slice(at + tag.length)}`;
    mentions.push({ id, mentionText: inner, userId });
  }
  const attachments: SimAttachment[] = [];
  const images: BotContent['images'] = [];
  const list = Array.isArray(a.attachments)
    ? (a.attachments as Array<Record<string, unknown>>)
    : [];
  for (const att of list) {
    const contentType = String(att?.contentType ?? '');
    const name = typeof att.name === 'string' ? att.name : '';
    const dataUri =
      typeof att.contentUrl === 'string'
        ? /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(att.contentUrl)
        : null;
    if (contentType.startsWith('image/') && dataUri) {
      images.push({
        id: guid().replace(/-/g, ''),
        data: Buffer.from(dataUri[2]!, 'base64'),
        mimetype: dataUri[1]!,
        name,
      });
    } else if (CARD_TYPES.has(contentType)) {
      const id = guid();
      attachments.push({
        id,
        contentType,
        content: JSON.stringify(att.content ?? {}),
        name: name || undefined,
      });
      html += `<attachment id="${id}"></attachment>`;
    } else {
      throw new ApiError(
        400,
        'BadArgument',
        `attachments of type ${contentType} cannot be sent by a bot in this conversation`,
      );
    }
  }
  return { html, mentions, attachments, images };
}

/** Inline images become hosted contents with Graph URLs in the body. */
export function attachImages(sim: Sim, msg: SimMessage, images: BotContent['images']): void {
  for (const img of images) {
    msg.hostedContents.set(img.id, { data: img.data, mimetype: img.mimetype });
    const src = `${sim.baseUrl()}/v1.0${graphMessagePath(sim, msg)}/hostedContents/${img.id}/$value`;
    msg.html += `<p><img src="${src}" alt="${escapeHtml(img.name || 'image')}" itemid="${img.id}"></p>`;
  }
}
