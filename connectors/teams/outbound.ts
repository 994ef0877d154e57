/**
 * OutboundMessage → what Teams accepts. As the bot: a Bot Framework message activity with
 * the Matrix sender attributed in a header line (small avatar image + bold name) above the
 * HTML body, mention entities, and parts under the 40 KB limit. As a linked user: Graph
 * chatMessage bodies (Graph mention form) under Teams' ~28 KB message size.
 */
import {
  escapeHtml,
  type FormattedText,
  type MatrixSenderIdentity,
  type MentionTarget,
  type OutboundMessage,
} from '../../src/connector/index.js';
import {
  graphMentions,
  mentionEntities,
  renderTeamsHtml,
  splitFormatted,
  type RenderedTeams,
  type TeamsUser,
} from './format/index.js';

/** Bytes of text + entities per bot activity, leaving room for the envelope under 40 KB. */
export const BOT_BUDGET = 36_000;
/** Bytes of body HTML per Graph message (Teams caps messages at about 28 KB). */
export const GRAPH_BUDGET = 26_000;
const MAX_NAME = 100;

export type MentionResolver = (target: MentionTarget, text: string) => TeamsUser | undefined;

/** Mentions of users of this connector and workspace become Teams mentions of their AAD id. */
export function tenantMentions(connectorId: string, workspace: string): MentionResolver {
  return (t, text) =>
    t.kind === 'remote' && t.connector === connectorId && t.workspace === workspace
      ? { id: t.userId, name: text || t.userId }
      : undefined;
}

const SAFE_AVATAR = /^https:\/\/[^\s"'<>]+$/;

/** The attribution line: avatar (when an https URL) and the sender's name in bold. */
export function senderHeader(sender: MatrixSenderIdentity): string {
  const name = escapeHtml(sender.displayName.slice(0, MAX_NAME));
  const avatar =
    sender.avatarUrl && SAFE_AVATAR.test(sender.avatarUrl)
      ? `<img src="${escapeHtml(sender.avatarUrl)}" alt="" width="16" height="16"> `
      : '';
  return `<p>${avatar}<strong>${name}</strong></p>`;
}

function emoteText(message: OutboundMessage): FormattedText {
  const [first, ...rest] = message.content.text.blocks;
  const lead = {
    type: 'italic' as const,
    children: [
      { type: 'text' as const, text: `${message.sender.displayName.slice(0, MAX_NAME)} ` },
    ],
  };
  if (first?.type === 'paragraph')
    return {
      blocks: [
        { type: 'paragraph', children: [lead, { type: 'italic', children: first.children }] },
        ...rest,
      ],
    };
  return { blocks: [{ type: 'paragraph', children: [lead] }, ...message.content.text.blocks] };
}

export interface BotPart {
  text: string;
  entities: Array<Record<string, unknown>>;
}

function botActivityFields(rendered: RenderedTeams, header: string): BotPart {
  return { text: header + rendered.html, entities: mentionEntities(rendered.mentions) };
}

/** The bot's message parts for `message` (at least one, even for a file-only message). */
export function botParts(message: OutboundMessage, mentions: MentionResolver): BotPart[] {
  const emote = message.content.emote === true;
  const text = emote ? emoteText(message) : message.content.text;
  const header = emote ? '' : senderHeader(message.sender);
  const render = (t: FormattedText) => renderTeamsHtml(t, { mode: 'bot', mentionUser: mentions });
  const measure = (t: FormattedText) =>
    Buffer.byteLength(JSON.stringify(botActivityFields(render(t), header)));
  if (text.blocks.length === 0) return [{ text: header, entities: [] }];
  return splitFormatted(text, measure, BOT_BUDGET).map((part) =>
    botActivityFields(render(part), header),
  );
}

export function botActivity(
  part: BotPart,
  attachments: Array<Record<string, unknown>> = [],
): Record<string, unknown> {
  const activity: Record<string, unknown> = { type: 'message', textFormat: 'xml', text: part.text };
  if (part.entities.length > 0) activity.entities = part.entities;
  if (attachments.length > 0) activity.attachments = attachments;
  return activity;
}

export interface GraphPart {
  body: { contentType: 'html'; content: string };
  mentions: Array<Record<string, unknown>>;
}

/** A linked user's message as Graph chatMessage bodies (no attribution: it is their own message). */
export function graphParts(message: OutboundMessage, mentions: MentionResolver): GraphPart[] {
  const text = message.content.emote ? emoteText(message) : message.content.text;
  const render = (t: FormattedText) => renderTeamsHtml(t, { mode: 'graph', mentionUser: mentions });
  const measure = (t: FormattedText) => Buffer.byteLength(JSON.stringify(render(t)));
  if (text.blocks.length === 0) return [];
  return splitFormatted(text, measure, GRAPH_BUDGET).map((part) => {
    const r = render(part);
    return { body: { contentType: 'html', content: r.html }, mentions: graphMentions(r.mentions) };
  });
}

/** A file shared as a card: the name, its size, and a button that opens it in SharePoint. */
export function fileCard(name: string, size: number, webUrl: string): Record<string, unknown> {
  const kb =
    size < 1024
      ? `${size} B`
      : size < 1024 * 1024
        ? `${Math.round(size / 1024)} KB`
        : `${(size / 1024 / 1024).toFixed(1)} MB`;
  return {
    contentType: 'application/vnd.microsoft.card.hero',
    name,
    content: {
      title: name,
      subtitle: kb,
      buttons: [{ type: 'openUrl', title: 'Open', value: webUrl }],
    },
  };
}

/** Inline images up to this size travel inside the activity (base64); larger ones are uploaded. */
export const INLINE_IMAGE_MAX = 20_000;

export function inlineImage(name: string, mimetype: string, data: Buffer): Record<string, unknown> {
  return {
    contentType: mimetype,
    contentUrl: `data:${mimetype};base64,${data.toString('base64')}`,
    name,
  };
}
