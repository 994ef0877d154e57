/**
 * Common FormattedText → Mattermost Markdown. Text is escaped only where Mattermost would
 * otherwise read it as markup, so literal `*stars*` typed on Matrix stay literal while
 * ordinary text stays readable.
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  type MentionTarget,
  normalizeInlines,
  wrapDelimited as wrap,
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
  return renderBlocks(text.blocks, opts).trimEnd();
}

// ---------------------------------------------------------------------------------------
// Blocks

function renderBlocks(blocks: readonly Block[], opts: RenderMattermostOptions): string {
  const parts: string[] = [];
  let prevList: Extract<Block, { type: 'list' }> | undefined;
  let alternate = false;
  for (const block of blocks) {
    // Two lists in a row would merge into one; switching the marker keeps them apart.
    if (block.type === 'list') {
      alternate = prevList !== undefined && prevList.ordered === block.ordered ? !alternate : false;
    }
    const out = renderBlock(block, opts, alternate);
    prevList = block.type === 'list' ? block : undefined;
    if (out !== '') parts.push(out);
  }
  return parts.join('\n\n');
}

function renderBlock(block: Block, opts: RenderMattermostOptions, alternate: boolean): string {
  switch (block.type) {
    case 'paragraph':
      return escapeLineStarts(renderInlines(block.children, opts, false)).replace(/^[ \t]+/, '');
    case 'heading': {
      let content = renderInlines(block.children, opts, false).replace(/\n/g, ' ').trim();
      // A trailing run of # would be read as the heading's closing sequence.
      content = content.replace(/(^|\s)(#+)$/, '$1\\$2');
      return content === '' ? '' : `${'#'.repeat(block.level)} ${content}`;
    }
    case 'code_block':
      return renderCodeBlock(block.text, block.language);
    case 'quote': {
      const inner = renderBlocks(block.children, opts);
      if (inner === '') return '';
      return inner
        .split('\n')
        .map((l) => (l === '' ? '>' : `> ${l}`))
        .join('\n');
    }
    case 'list': {
      const start = block.start ?? 1;
      return block.items
        .map((item, i) => {
          const marker = block.ordered
            ? `${start + i}${alternate ? ')' : '.'}`
            : alternate
              ? '*'
              : '-';
          const body = renderItem(item, opts);
          if (body === '') return marker;
          const indent = ' '.repeat(marker.length + 1);
          return body
            .split('\n')
            .map((l, j) => (j === 0 ? `${marker} ${l}` : l === '' ? '' : indent + l))
            .join('\n');
        })
        .join('\n');
    }
    case 'rule':
      return '---';
  }
}

function renderItem(item: readonly Block[], opts: RenderMattermostOptions): string {
  let out = '';
  let prev: Block | undefined;
  let alternate = false;
  for (const block of item) {
    if (block.type === 'list') {
      alternate = prev?.type === 'list' && prev.ordered === block.ordered ? !alternate : false;
    }
    const text = renderBlock(block, opts, alternate);
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

function longestRun(text: string, ch: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
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

type Piece = { kind: 'raw'; text: string } | { kind: 'italic'; inner: string };

function renderInlines(
  inlines: readonly Inline[],
  opts: RenderMattermostOptions,
  inLink: boolean,
): string {
  const pieces: Piece[] = normalizeInlines(inlines).map((node) => renderInline(node, opts, inLink));
  let out = '';
  for (let i = 0; i < pieces.length; i += 1) {
    const piece = pieces[i]!;
    if (piece.kind === 'raw') {
      out += piece.text;
      continue;
    }
    // `_x_` does not work inside a word; `*x*` does.
    const next = pieces[i + 1];
    const nextChar = next === undefined ? '' : next.kind === 'raw' ? next.text.charAt(0) : '_';
    const prevChar = out.charAt(out.length - 1);
    const delim = ALNUM.test(prevChar) || ALNUM.test(nextChar) ? '*' : '_';
    out += wrap(piece.inner, delim);
  }
  return out;
}

function renderInline(node: Inline, opts: RenderMattermostOptions, inLink: boolean): Piece {
  const raw = (text: string): Piece => ({ kind: 'raw', text });
  switch (node.type) {
    case 'text':
      return raw(escapeText(node.text, inLink));
    case 'bold':
      return raw(wrap(renderInlines(node.children, opts, inLink), '**'));
    case 'italic':
      return { kind: 'italic', inner: renderInlines(node.children, opts, inLink) };
    case 'strike':
      return raw(wrap(renderInlines(node.children, opts, inLink), '~~'));
    case 'underline':
      // Mattermost has no underline.
      return raw(renderInlines(node.children, opts, inLink));
    case 'code':
      return raw(renderCodeSpan(node.text));
    case 'link':
      return raw(renderLink(node, opts, inLink));
    case 'mention': {
      const username = inLink ? undefined : opts.usernameFor(node.target);
      if (username !== undefined && /^[a-z0-9._-]+$/i.test(username)) return raw(`@${username}`);
      // Not a Mattermost user: show the name without creating a mention by accident.
      return raw(escapeText(node.text.replace(/^@+/, ''), inLink));
    }
    case 'room_mention':
      return raw(inLink ? 'channel' : '@channel');
    case 'linebreak':
      return raw(inLink ? ' ' : '\n');
  }
}

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

function plainLabel(inlines: readonly Inline[]): string {
  return inlines
    .map((n) =>
      n.type === 'text'
        ? n.text
        : n.type === 'code'
          ? n.text
          : 'children' in n
            ? plainLabel(n.children)
            : '\u0000',
    )
    .join('');
}

function renderLink(
  node: Extract<Inline, { type: 'link' }>,
  opts: RenderMattermostOptions,
  inLink: boolean,
): string {
  const label = renderInlines(node.children, opts, true);
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
  const dest = node.href.replace(/[\s<>()]/g, (c) =>
    encodeURIComponent(c).replace(/\(/g, '%28').replace(/\)/g, '%29'),
  );
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
  let out = '';
  let last = 0;
  const src = text.replace(/\r\n?/g, '\n');
  for (const m of src.matchAll(URL_IN_TEXT)) {
    out += escapeSegment(src.slice(last, m.index), inLink);
    // "<https://…>" would become an autolink.
    if (out.endsWith('<') && !out.endsWith('\\<')) out = `${out.slice(0, -1)}\\<`;
    out += m[0];
    last = m.index + m[0].length;
  }
  out += escapeSegment(src.slice(last), inLink);
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
