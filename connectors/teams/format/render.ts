/**
 * Common FormattedText → the HTML subset Teams renders (p, strong, em, s, u, code, pre,
 * blockquote, ul/ol, a, h1–h3, hr, br), with mentions of this tenant's users as `<at>`:
 * Bot Framework form (`<at>Name</at>` + mention entities) or Graph form
 * (`<at id="N">Name</at>` + `mentions`). Everything else is escaped text.
 */
import {
  type Block,
  escapeHtml,
  type FormattedText,
  type Inline,
  type MentionTarget,
} from '../../../src/connector/index.js';

export interface TeamsUser {
  /** AAD object id. */
  id: string;
  name: string;
}

export interface RenderedMention {
  /** Index for Graph (`<at id="N">`), order of appearance for Bot Framework. */
  index: number;
  user: TeamsUser;
  /** The exact `<at>` text for Bot Framework entities. */
  tag: string;
}

export interface RenderTeamsOptions {
  mode: 'bot' | 'graph';
  /** The Teams user a mention points at, when it is one of this tenant's users. */
  mentionUser(target: MentionTarget, text: string): TeamsUser | undefined;
  /** How `@room` is written (Teams has no channel-wide mention for bots); default `@channel`. */
  roomMention?: string;
}

export interface RenderedTeams {
  html: string;
  mentions: RenderedMention[];
}

const SAFE_HREF = /^(https?:|mailto:)/i;

export function renderTeamsHtml(text: FormattedText, opts: RenderTeamsOptions): RenderedTeams {
  const mentions: RenderedMention[] = [];
  const inline = (nodes: readonly Inline[]): string => nodes.map(one).join('');
  function one(n: Inline): string {
    switch (n.type) {
      case 'text':
        return escapeHtml(n.text);
      case 'bold':
        return `<strong>${inline(n.children)}</strong>`;
      case 'italic':
        return `<em>${inline(n.children)}</em>`;
      case 'strike':
        return `<s>${inline(n.children)}</s>`;
      case 'underline':
        return `<u>${inline(n.children)}</u>`;
      case 'code':
        return `<code>${escapeHtml(n.text)}</code>`;
      case 'link':
        return SAFE_HREF.test(n.href)
          ? `<a href="${escapeHtml(n.href)}">${inline(n.children)}</a>`
          : inline(n.children);
      case 'linebreak':
        return '<br>';
      case 'room_mention':
        return escapeHtml(opts.roomMention ?? '@channel');
      case 'mention': {
        const user = opts.mentionUser(n.target, n.text);
        if (!user) return escapeHtml(`@${n.text}`);
        const index = mentions.length;
        const name = escapeHtml(user.name);
        const tag = opts.mode === 'graph' ? `<at id="${index}">${name}</at>` : `<at>${name}</at>`;
        mentions.push({ index, user, tag });
        return tag;
      }
    }
  }
  const block = (b: Block): string => {
    switch (b.type) {
      case 'paragraph':
        return `<p>${inline(b.children)}</p>`;
      case 'heading': {
        const level = Math.min(b.level, 3);
        return `<h${level}>${inline(b.children)}</h${level}>`;
      }
      case 'code_block':
        return `<pre>${escapeHtml(b.text)}</pre>`;
      case 'quote':
        return `<blockquote>${b.children.map(block).join('')}</blockquote>`;
      case 'list': {
        const tag = b.ordered ? 'ol' : 'ul';
        const start =
          b.ordered && b.start !== undefined && b.start !== 1 ? ` start="${b.start}"` : '';
        return `<${tag}${start}>${b.items.map((item) => `<li>${item.map(block).join('')}</li>`).join('')}</${tag}>`;
      }
      case 'rule':
        return '<hr>';
    }
  };
  return { html: text.blocks.map(block).join(''), mentions };
}

/** Bot Framework mention entities for a rendered text. */
export function mentionEntities(mentions: RenderedMention[]): Array<Record<string, unknown>> {
  return mentions.map((m) => ({
    type: 'mention',
    text: m.tag,
    mentioned: { id: m.user.id, name: m.user.name },
  }));
}

/** Graph `mentions` for a rendered text. */
export function graphMentions(mentions: RenderedMention[]): Array<Record<string, unknown>> {
  return mentions.map((m) => ({
    id: m.index,
    mentionText: m.user.name,
    mentioned: { user: { id: m.user.id, displayName: m.user.name, userIdentityType: 'aadUser' } },
  }));
}
