/**
 * Common FormattedText → Rocket.Chat markdown, written for @rocket.chat/message-parser (the
 * grammar Rocket.Chat renders with): `*bold*`, `_italic_`, `~strike~`, `` `code` ``, fenced
 * code, `> ` quotes, `- `/`1. ` lists, `#`–`####` headings, `[label](url)`, `@username`.
 * Literal text is escaped where that grammar would read markup (it has no nested lists and
 * no emphasis across lines, so those are flattened).
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  type MentionTarget,
  normalizeInlines,
  // Emphasis cannot span lines in Rocket.Chat: each line is wrapped.
  wrapEachLine as wrap,
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
  return renderBlocks(text.blocks, opts).replace(/\s+$/, '');
}

function renderBlocks(blocks: readonly Block[], opts: RenderRocketOptions): string {
  return blocks
    .map((b) => renderBlock(b, opts))
    .filter((s) => s !== '')
    .join('\n\n');
}

function renderBlock(block: Block, opts: RenderRocketOptions): string {
  switch (block.type) {
    case 'paragraph':
      return lines(renderInlines(block.children, opts, false))
        .map(escapeLineStart)
        .join('\n');
    case 'heading': {
      const content = renderInlines(block.children, opts, false).replace(/\n/g, ' ').trim();
      if (content === '') return '';
      // Rocket.Chat has four heading levels; smaller ones become bold lines.
      return block.level <= 4 ? `${'#'.repeat(block.level)} ${content}` : `*${content}*`;
    }
    case 'code_block': {
      const body = block.text.replace(/```/g, `\`${ZWSP}\`\``);
      const lang = block.language && /^[\w+#.-]{1,32}$/.test(block.language) ? block.language : '';
      return `\`\`\`${lang}\n${body}\n\`\`\``;
    }
    case 'quote': {
      const inner = renderBlocks(block.children, opts);
      return lines(inner)
        .filter((l) => l.trim() !== '')
        .map((l) => `> ${l}`)
        .join('\n');
    }
    case 'list':
      return block.items
        .map((item, i) => {
          const marker = block.ordered ? `${(block.start ?? 1) + i}.` : '-';
          // Only the first paragraph can sit on the marker line; the rest follow as plain lines.
          const body = lines(renderBlocks(item, opts)).filter((l) => l.trim() !== '');
          const [first = '', ...rest] = body;
          return [
            `${marker} ${first.replace(/^\u200B/, '')}`.trimEnd(),
            ...rest.map((l) => `  ${l}`),
          ].join('\n');
        })
        .join('\n');
    case 'rule':
      return '---';
  }
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

function renderInlines(
  inlines: readonly Inline[],
  opts: RenderRocketOptions,
  inLink: boolean,
): string {
  return normalizeInlines(inlines)
    .map((n) => renderInline(n, opts, inLink))
    .join('');
}

function renderInline(node: Inline, opts: RenderRocketOptions, inLink: boolean): string {
  switch (node.type) {
    case 'text':
      return escapeText(node.text);
    case 'bold':
      return wrap(renderInlines(node.children, opts, inLink), '*');
    case 'italic':
      return wrap(renderInlines(node.children, opts, inLink), '_');
    case 'strike':
      return wrap(renderInlines(node.children, opts, inLink), '~');
    case 'underline':
      return renderInlines(node.children, opts, inLink);
    case 'code': {
      const body = node.text.replace(/\n/g, ' ');
      if (body.trim() === '') return body;
      return body.includes('`') ? escapeText(body) : `\`${body}\``;
    }
    case 'link':
      return renderLink(node, opts, inLink);
    case 'mention': {
      const username = inLink ? undefined : opts.usernameFor(node.target);
      if (username !== undefined && USERNAME.test(username)) return `@${username}`;
      return escapeText(node.text.replace(/^@+/, ''));
    }
    case 'room_mention':
      return inLink ? 'all' : '@all';
    case 'linebreak':
      return inLink ? ' ' : '\n';
  }
}

function plainOf(inlines: readonly Inline[]): string {
  return inlines
    .map((n) =>
      n.type === 'text' || n.type === 'code'
        ? n.text
        : 'children' in n
          ? plainOf(n.children)
          : '\u0000',
    )
    .join('');
}

function renderLink(
  node: Extract<Inline, { type: 'link' }>,
  opts: RenderRocketOptions,
  inLink: boolean,
): string {
  const label = renderInlines(node.children, opts, true).replace(/\n/g, ' ');
  if (inLink || !SAFE_LINK.test(node.href)) return label;
  const plain = plainOf(node.children);
  if (plain === node.href && /^https?:\/\/[^\s<>()[\]]+$/i.test(node.href)) return node.href;
  if (`mailto:${plain}` === node.href && /^[^\s@<>()[\]]+@[^\s@<>()[\]]+$/.test(plain))
    return plain;
  const dest = node.href.replace(/[\s()<>]/g, (c) =>
    encodeURIComponent(c).replace('(', '%28').replace(')', '%29'),
  );
  return `[${label.replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')')) || dest}](${dest})`;
}

// URLs are left intact so Rocket.Chat still links them.
const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s<>]*[^\s<>.,:;"'!?)\]*_~`]/giu;

/** Escapes a text node for the grammar; mentions and room words are defused with a ZWSP. */
export function escapeText(text: string): string {
  let out = '';
  let last = 0;
  const src = text.replace(/\r\n?/g, '\n');
  for (const m of src.matchAll(URL_IN_TEXT)) {
    out += escapeSegment(src.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + escapeSegment(src.slice(last));
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
