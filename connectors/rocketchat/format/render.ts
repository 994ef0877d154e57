/**
 * Common FormattedText → Rocket.Chat markdown, written for @rocket.chat/message-parser (the
 * grammar Rocket.Chat renders with): `*bold*`, `_italic_`, `~strike~`, `` `code` ``, fenced
 * code, `> ` quotes, `- `/`1. ` lists, `#`–`####` headings, `[label](url)`, `@username`.
 * Literal text is escaped where that grammar would read markup (it has no nested lists and
 * no emphasis across lines, so those are flattened).
 */
import {
  escapeAroundUrls,
  type FormattedText,
  type LinkInline,
  type MarkdownDialect,
  type MarkdownWalk,
  markdownWalk,
  type MentionTarget,
  percentEncodeChars,
  plainLabel,
  usernameMention,
  wrapEachLine,
} from '../../../src/connector/index.js';

export interface RenderRocketOptions {
  /** Rocket.Chat username for a mention target (rendered `@username`); undefined → the plain name. */
  usernameFor: (target: MentionTarget) => string | undefined;
}

const ZWSP = '\u200B';
const SAFE_LINK = /^(https?|ftp|mailto):/i;
const ALNUM = /[\p{L}\p{N}]/u;
const USERNAME = /^[a-z0-9._-]{1,64}$/i;

export function renderRocketMarkdown(text: FormattedText, opts: RenderRocketOptions): string {
  return markdownWalk(rocketDialect(opts)).blocks(text.blocks).replace(/\s+$/, '');
}

function rocketDialect(opts: RenderRocketOptions): MarkdownDialect {
  return {
    bold: '*',
    italic: '_',
    strike: '~',
    // Emphasis cannot span lines in Rocket.Chat: each line is wrapped.
    wrap: wrapEachLine,
    text: (text) => escapeText(text),
    code: (text) => {
      const body = text.replace(/\n/g, ' ');
      if (body.trim() === '') return body;
      return body.includes('`') ? escapeText(body) : `\`${body}\``;
    },
    link: renderLink,
    mention: (node, inLink) =>
      usernameMention(node, inLink, opts.usernameFor, USERNAME, escapeText),
    roomMention: (inLink) => (inLink ? 'all' : '@all'),
    paragraph: (inlines) => lines(inlines).map(escapeLineStart).join('\n'),
    heading: (level, inlines) => {
      const content = inlines.replace(/\n/g, ' ').trim();
      if (content === '') return '';
      // Rocket.Chat has four heading levels; smaller ones become bold lines.
      return level <= 4 ? `${'#'.repeat(level)} ${content}` : `*${content}*`;
    },
    codeBlock: (text, language) => {
      const body = text.replace(/```/g, `\`${ZWSP}\`\``);
      const lang = language && /^[\w+#.-]{1,32}$/.test(language) ? language : '';
      return `\`\`\`${lang}\n${body}\n\`\`\``;
    },
    quote: (inner) =>
      lines(inner)
        .filter((l) => l.trim() !== '')
        .map((l) => `> ${l}`)
        .join('\n'),
    list: (list, _alternate, walk) =>
      list.items
        .map((item, i) => {
          const marker = list.ordered ? `${(list.start ?? 1) + i}.` : '-';
          // Only the first paragraph can sit on the marker line; the rest follow as plain lines.
          const body = lines(walk.blocks(item)).filter((l) => l.trim() !== '');
          const [first = '', ...rest] = body;
          return [
            `${marker} ${first.replace(/^\u200B/, '')}`.trimEnd(),
            ...rest.map((l) => `  ${l}`),
          ].join('\n');
        })
        .join('\n'),
    rule: '---',
  };
}

const lines = (s: string): string[] => s.split('\n');

/** Line starts the grammar would read as a block: headings, quotes, lists, rules. */
function escapeLineStart(line: string): string {
  if (/^#{1,4}\s/.test(line)) return `\\${line}`;
  if (/^\s*(>|[-*+]\s|-{3,}\s*$|\d+[.)]\s)/.test(line)) {
    const ordered = /^(\s*\d+)([.)]\s.*)$/.exec(line);
    return ordered && ordered[2]!.startsWith('.')
      ? `${ordered[1]}\\${ordered[2]}`
      : `${ZWSP}${line}`;
  }
  return line;
}

function renderLink(node: LinkInline, inLink: boolean, walk: MarkdownWalk): string {
  const label = walk.inlines(node.children, true).replace(/\n/g, ' ');
  if (inLink || !SAFE_LINK.test(node.href)) return label;
  const plain = plainLabel(node.children);
  if (plain === node.href && /^https?:\/\/[^\s<>()[\]]+$/i.test(node.href)) return node.href;
  if (`mailto:${plain}` === node.href && /^[^\s@<>()[\]]+@[^\s@<>()[\]]+$/.test(plain))
    return plain;
  const dest = percentEncodeChars(node.href, /[\s()<>]/g);
  return `[${label.replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')')) || dest}](${dest})`;
}

// URLs are left intact so Rocket.Chat still links them.
const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s<>]*[^\s<>.,:;"'!?)\]*_~`]/giu;

/** Escapes a text node for the grammar; mentions and room words are defused with a ZWSP. */
export function escapeText(text: string): string {
  return escapeAroundUrls(text, URL_IN_TEXT, escapeSegment);
}

function escapeSegment(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i]!;
    const prev = s[i - 1] ?? '';
    const next = s[i + 1] ?? '';
    switch (c) {
      case '*':
      case '~':
      case '`':
        out += `\\${c}`;
        break;
      case '_':
        out += ALNUM.test(prev) && ALNUM.test(next) ? '_' : '\\_';
        break;
      case '@':
        // A literal "@name" from another platform must not notify anyone here.
        out += /[a-z0-9._-]/i.test(next) ? `@${ZWSP}` : '@';
        break;
      case '(':
        // "[x](y)" typed as text would become a link.
        out += prev === ']' ? `${ZWSP}(` : '(';
        break;
      default:
        out += c;
    }
  }
  return out;
}
