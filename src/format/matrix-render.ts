/** Common FormattedText → Matrix `m.room.message` content fields. */
import type { Block, FormattedText, Inline, MentionTarget } from '../model/message.js';
import { sanitizeDisplayName } from './display-name.js';
import { inlineText, revealDisguisedLinks } from './disguised-links.js';
import { forEachInline } from './inline.js';
import { hasPermalinkText, isMatrixPermalink, splitPermalinks } from './permalinks.js';
import { plainWith, type MentionNamer } from './plain.js';

export interface RenderMatrixOptions {
  /** Display name for a mention; defaults to the mention node's `text`. */
  mentionName?: MentionNamer;
  /**
   * Matrix user ID a mention pill should point at. For `{kind:'matrix'}` targets the
   * target's own userId is used when this returns undefined (or is absent); for remote
   * targets the caller supplies the ghost's ID. No ID → the mention is plain `@name`.
   */
  userIdFor?: (target: MentionTarget) => string | undefined;
}

/** Intentional mentions (`m.mentions`, spec v1.7+). */
export interface MatrixMentions {
  user_ids: string[];
  room?: true;
}

/**
 * Spread straight into event content: `{ msgtype: 'm.text', ...renderMatrix(text, opts) }`.
 */
export interface RenderedMatrix {
  body: string;
  formatted_body?: string;
  format?: 'org.matrix.custom.html';
  'm.mentions': MatrixMentions;
}

const SAFE_LINK = /^(https?|ftp|mailto|magnet):/i;

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function matrixToUserLink(userId: string): string {
  return `https://matrix.to/#/${encodeURIComponent(userId).replace(/%40/g, '@').replace(/%3A/gi, ':')}`;
}

/** A matrix.to link to a room id or alias (`#` and `!` kept readable where allowed). */
export function matrixToRoomLink(roomIdOrAlias: string): string {
  return `https://matrix.to/#/${encodeURIComponent(roomIdOrAlias).replace(/%3A/gi, ':')}`;
}

type MentionNode = Extract<Inline, { type: 'mention' }>;

/**
 * Only mention nodes become pills and `m.mentions`: links and bare URLs that a client could
 * show as a pill (matrix.to and friends) are written in a non-pill form, and links whose
 * text names another address show their real target.
 */
export function renderMatrix(
  source: FormattedText,
  opts: RenderMatrixOptions = {},
): RenderedMatrix {
  const text = revealDisguisedLinks(source);
  const userIdOf = (target: MentionTarget): string | undefined =>
    opts.userIdFor?.(target) ?? (target.kind === 'matrix' ? target.userId : undefined);
  const nameOf = (node: MentionNode): string => {
    const name = sanitizeDisplayName(opts.mentionName?.(node.target) ?? node.text);
    return name === '' ? (userIdOf(node.target) ?? '') : name;
  };
  const ctx: Ctx = { userIdOf, nameOf };

  const userIds: string[] = [];
  let room = false;
  let needsHtml = text.blocks.some((b) => b.type !== 'paragraph');
  forEachInline(text.blocks, (node) => {
    if (node.type === 'room_mention') room = true;
    else if (node.type === 'mention') {
      const id = userIdOf(node.target);
      if (id !== undefined) {
        needsHtml = true;
        if (!userIds.includes(id)) userIds.push(id);
      }
    } else if (node.type === 'text') {
      if (hasPermalinkText(node.text)) needsHtml = true;
    } else if (node.type !== 'linebreak') needsHtml = true;
  });

  const body = plainWith(text, (node) => {
    const name = nameOf(node);
    if (userIdOf(node.target) !== undefined) return name;
    return name.startsWith('@') ? name : `@${name}`;
  });
  const mentions: MatrixMentions = room ? { user_ids: userIds, room: true } : { user_ids: userIds };
  if (!needsHtml) return { body, 'm.mentions': mentions };

  const blocks = text.blocks;
  const only = blocks[0];
  const html =
    blocks.length === 1 && only?.type === 'paragraph'
      ? inlinesHtml(only.children, ctx, false)
      : blocksHtml(blocks, ctx);
  return { body, formatted_body: html, format: 'org.matrix.custom.html', 'm.mentions': mentions };
}

interface Ctx {
  userIdOf: (target: MentionTarget) => string | undefined;
  nameOf: (node: MentionNode) => string;
}

function blocksHtml(blocks: readonly Block[], ctx: Ctx): string {
  return blocks.map((b) => blockHtml(b, ctx)).join('');
}

function blockHtml(block: Block, ctx: Ctx): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${inlinesHtml(block.children, ctx, false)}</p>`;
    case 'heading':
      return `<h${block.level}>${inlinesHtml(block.children, ctx, false)}</h${block.level}>`;
    case 'code_block': {
      const lang = block.language?.match(/^[A-Za-z0-9_+#.-]{1,64}$/) ? block.language : undefined;
      const cls = lang === undefined ? '' : ` class="language-${escapeHtml(lang)}"`;
      return `<pre><code${cls}>${escapeHtml(block.text)}\n</code></pre>`;
    }
    case 'quote':
      return `<blockquote>${blocksHtml(block.children, ctx)}</blockquote>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      const start =
        block.ordered && block.start !== undefined && block.start !== 1
          ? ` start="${block.start}"`
          : '';
      const items = block.items.map((item) => {
        const first = item[0];
        const inner =
          item.length === 1 && first?.type === 'paragraph'
            ? inlinesHtml(first.children, ctx, false)
            : blocksHtml(item, ctx);
        return `<li>${inner}</li>`;
      });
      return `<${tag}${start}>${items.join('')}</${tag}>`;
    }
    case 'rule':
      return '<hr>';
  }
}

function inlinesHtml(inlines: readonly Inline[], ctx: Ctx, inLink: boolean): string {
  return inlines.map((node) => inlineHtml(node, ctx, inLink)).join('');
}

/** One inline node; every kind is named, so a new kind does not compile until it renders. */
function inlineHtml(node: Inline, ctx: Ctx, inLink: boolean): string {
  switch (node.type) {
    case 'text':
      return inLink ? escapeHtml(node.text) : textHtml(node.text);
    case 'bold':
      return `<strong>${inlinesHtml(node.children, ctx, inLink)}</strong>`;
    case 'italic':
      return `<em>${inlinesHtml(node.children, ctx, inLink)}</em>`;
    case 'strike':
      return `<del>${inlinesHtml(node.children, ctx, inLink)}</del>`;
    case 'underline':
      return `<u>${inlinesHtml(node.children, ctx, inLink)}</u>`;
    case 'code':
      return `<code>${escapeHtml(node.text)}</code>`;
    case 'link': {
      if (isMatrixPermalink(node.href)) return permalinkHtml(node, ctx, inLink);
      const inner = inlinesHtml(node.children, ctx, true);
      return !inLink && SAFE_LINK.test(node.href)
        ? `<a href="${escapeHtml(node.href)}">${inner}</a>`
        : inner;
    }
    case 'mention': {
      const name = ctx.nameOf(node);
      const id = ctx.userIdOf(node.target);
      if (id !== undefined && !inLink) {
        return `<a href="${escapeHtml(matrixToUserLink(id))}">${escapeHtml(name)}</a>`;
      }
      return escapeHtml(id !== undefined || name.startsWith('@') ? name : `@${name}`);
    }
    case 'room_mention':
      return '@room';
    case 'linebreak':
      return '<br>';
  }
}

/** Text outside links: permalink-looking runs go in `<code>`, which clients neither linkify nor pillify. */
function textHtml(text: string): string {
  return splitPermalinks(text)
    .map((run) => (run.permalink ? `<code>${escapeHtml(run.text)}</code>` : escapeHtml(run.text)))
    .join('');
}

/**
 * A link a client would show as a pill, written by someone on a platform: its text stays,
 * the target is shown as code next to it (or alone when the text is the target), no anchor.
 */
function permalinkHtml(link: Extract<Inline, { type: 'link' }>, ctx: Ctx, inLink: boolean): string {
  const inner = inlinesHtml(link.children, ctx, inLink);
  const label = inlineText(link.children).trim();
  if (label === link.href.trim()) return `<code>${escapeHtml(label)}</code>`;
  return `${inner} (<code>${escapeHtml(link.href)}</code>)`;
}
