/**
 * Common FormattedText → Mattermost Markdown. Text is escaped only where Mattermost would
 * otherwise read it as markup, so literal `*stars*` typed on Matrix stay literal while
 * ordinary text stays readable.
 */
import {
  type Block,
  escapeAroundUrls,
  type FormattedText,
  type LinkInline,
  type ListBlock,
  longestRun,
  type MarkdownDialect,
  type MarkdownWalk,
  markdownWalk,
  type MentionTarget,
  percentEncodeChars,
  plainLabel,
  usernameMention,
} from '../../../src/connector/index.js';

export interface RenderMattermostOptions {
  /** Mattermost username for a mention target (rendered `@username`); undefined → plain name. */
  usernameFor: (target: MentionTarget) => string | undefined;
}

const SAFE_LINK = /^(https?|ftp|mailto|magnet):/i;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const ZWSP = '\u200B';

export function renderMattermostMarkdown(
  text: FormattedText,
  opts: RenderMattermostOptions,
): string {
  return markdownWalk(mattermostDialect(opts)).blocks(text.blocks).trimEnd();
}

function mattermostDialect(opts: RenderMattermostOptions): MarkdownDialect {
  return {
    bold: '**',
    strike: '~~',
    // `_x_` does not work inside a word; `*x*` does.
    italic: (before, after) => (ALNUM.test(before) || ALNUM.test(after) ? '*' : '_'),
    text: escapeText,
    code: renderCodeSpan,
    link: renderLink,
    mention: (node, inLink) =>
      usernameMention(node, inLink, opts.usernameFor, /^[a-z0-9._-]+$/i, (t) =>
        escapeText(t, inLink),
      ),
    roomMention: (inLink) => (inLink ? 'channel' : '@channel'),
    paragraph: (inlines) => escapeLineStarts(inlines).replace(/^[ \t]+/, ''),
    heading: (level, inlines) => {
      // A trailing run of # would be read as the heading's closing sequence.
      const content = inlines
        .replace(/\n/g, ' ')
        .trim()
        .replace(/(^|\s)(#+)$/, '$1\\$2');
      return content === '' ? '' : `${'#'.repeat(level)} ${content}`;
    },
    codeBlock: renderCodeBlock,
    quote: (inner) =>
      inner === ''
        ? ''
        : inner
            .split('\n')
            .map((l) => (l === '' ? '>' : `> ${l}`))
            .join('\n'),
    list: renderList,
    rule: '---',
  };
}

// ---------------------------------------------------------------------------------------
// Blocks

function renderList(list: ListBlock, alternate: boolean, walk: MarkdownWalk): string {
  const start = list.start ?? 1;
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}${alternate ? ')' : '.'}` : alternate ? '*' : '-';
      const body = renderItem(item, walk);
      if (body === '') return marker;
      const indent = ' '.repeat(marker.length + 1);
      return body
        .split('\n')
        .map((l, j) => (j === 0 ? `${marker} ${l}` : l === '' ? '' : indent + l))
        .join('\n');
    })
    .join('\n');
}

function renderItem(item: readonly Block[], walk: MarkdownWalk): string {
  let out = '';
  let prev: Block | undefined;
  let alternate = false;
  for (const block of item) {
    if (block.type === 'list') {
      alternate = prev?.type === 'list' && prev.ordered === block.ordered ? !alternate : false;
    }
    const text = walk.block(block, alternate);
    if (text !== '') {
      // A sub-list may follow its paragraph directly, except an ordered one not starting at 1,
      // which CommonMark does not let interrupt a paragraph.
      const tight = block.type === 'list' && prev?.type === 'paragraph' && (block.start ?? 1) === 1;
      if (out !== '') out += tight ? '\n' : '\n\n';
      out += text;
    }
    prev = block;
  }
  return out;
}

function renderCodeBlock(text: string, language: string | undefined): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  const info = language !== undefined && /^[^\s`]{1,64}$/.test(language) ? language : '';
  return `${fence}${info}\n${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** Characters at the start of a line that would begin a block construct. */
function escapeLineStarts(s: string): string {
  return s
    .split('\n')
    .map((line) => {
      const m = /^([ \t]*)(.*)$/s.exec(line)!;
      const lead = m[1]!;
      const rest = m[2]!;
      if (rest === '' || rest.startsWith('\\')) return line;
      if (/^(#{1,6})(\s|$)/.test(rest)) return `${lead}\\${rest}`;
      if (/^[>|]/.test(rest)) return `${lead}\\${rest}`;
      if (/^[-+*](\s|$)/.test(rest)) return `${lead}\\${rest}`;
      if (/^[-=_*]+\s*$/.test(rest.replace(/\\/g, ''))) return `${lead}\\${rest}`;
      const ordered = /^(\d{1,9})([.)])(\s|$)/.exec(rest);
      if (ordered) return `${lead}${ordered[1]}\\${rest.slice(ordered[1]!.length)}`;
      return line;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------
// Inlines

function renderCodeSpan(text: string): string {
  const body = text.replace(/\n/g, ' ');
  if (body === '') return '';
  const ticks = '`'.repeat(longestRun(body, '`') + 1);
  // CommonMark strips one space from each end when both ends have one (and it is not all
  // spaces), and a backtick at an edge would merge with the delimiter: pad in both cases.
  const spaced = body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '';
  const pad = body.startsWith('`') || body.endsWith('`') || spaced ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

function renderLink(node: LinkInline, inLink: boolean, walk: MarkdownWalk): string {
  const label = walk.inlines(node.children, true);
  // Links cannot nest, and unsafe targets are not linked: keep the label.
  if (inLink || !SAFE_LINK.test(node.href)) return label;
  const plain = plainLabel(node.children);
  if (/^[^\s<>]+$/.test(node.href)) {
    // Mattermost autolinks these; `<…>` makes the extent unambiguous when the URL ends oddly.
    if (plain === node.href && /^(https?|ftp):\/\//i.test(node.href)) {
      return /^[^\s<>]*[\p{L}\p{N}/]$/u.test(node.href) ? node.href : `<${node.href}>`;
    }
    if (`mailto:${plain}` === node.href && /^[^\s<>@]+@[^\s<>@]+$/.test(plain)) return `<${plain}>`;
  }
  const dest = percentEncodeChars(node.href, /[\s<>()]/g);
  return `[${label === '' ? escapeText(node.href, true) : label}](${dest})`;
}

// ---------------------------------------------------------------------------------------
// Text escaping

const URL_IN_TEXT = /(?:\b(?:https?|ftp):\/\/|\bwww\.)[^\s<>]*[^\s<>.,:;"'!?)\]*_~`]/giu;
// Sticky: tested at the position of a `&` / `<` in the text.
const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/iy;
const AUTOLINK_START = /<(?:[a-z][a-z0-9+.-]{1,31}:|[^\s<>@]{1,256}@)/iy;
const ROOM_WORD = /(?<![\p{L}\p{N}_.+-])@(channel|all|here)(?![\p{L}\p{N}_-])/giu;

/** Escapes a text node. URLs inside it are left intact so Mattermost still links them. */
export function escapeText(text: string, inLink: boolean): string {
  const out = escapeAroundUrls(
    text,
    URL_IN_TEXT,
    (segment) => escapeSegment(segment, inLink),
    // "<https://…>" would become an autolink.
    (written) =>
      written.endsWith('<') && !written.endsWith('\\<') ? `${written.slice(0, -1)}\\<` : written,
  );
  // Literal @channel/@all/@here from another platform must not notify the whole channel.
  return out.replace(ROOM_WORD, (_w, word: string) => `@${ZWSP}${word}`);
}

function escapeSegment(s: string, inLink: boolean): string {
  let out = '';
  const lastClose = s.lastIndexOf(']');
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i]!;
    const prev = i > 0 ? s[i - 1]! : '';
    const next = i + 1 < s.length ? s[i + 1]! : '';
    const spaceBefore = prev !== '' && SPACE.test(prev);
    const spaceAfter = next !== '' && SPACE.test(next);
    switch (c) {
      case '\\':
        out += next === '' || ASCII_PUNCT.test(next) || next === '\n' ? '\\\\' : '\\';
        break;
      case '`':
        out += '\\`';
        break;
      case '*':
        out += spaceBefore && spaceAfter ? '*' : '\\*';
        break;
      case '_': {
        const intraword = prev !== '' && next !== '' && ALNUM.test(prev) && ALNUM.test(next);
        out += intraword || (spaceBefore && spaceAfter) ? '_' : '\\_';
        break;
      }
      case '~':
        out += prev === '~' || next === '~' ? '\\~' : '~';
        break;
      case '[':
        out += inLink || lastClose > i ? '\\[' : '[';
        break;
      case ']':
        out += inLink ? '\\]' : ']';
        break;
      case '&':
        ENTITY.lastIndex = i;
        out += ENTITY.test(s) ? '\\&' : '&';
        break;
      case '<':
        // `<http://…>` and `<a@b>` are autolinks; anything else is shown as typed.
        AUTOLINK_START.lastIndex = i;
        out += AUTOLINK_START.test(s) ? '\\<' : '<';
        break;
      default:
        out += c;
    }
  }
  return out;
}
