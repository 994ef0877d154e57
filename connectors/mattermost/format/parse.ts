/**
 * Mattermost Markdown → common FormattedText, with markdown-it configured like Mattermost
 * renders: CommonMark + GFM strikethrough/tables, autolinks, no raw HTML, single newlines are
 * line breaks. `@username` and `@channel`/`@all`/`@here` are tokenised by an inline rule, so
 * they are never found inside code spans, code blocks or URLs.
 */
import MarkdownIt, { type StateInline, type Token } from 'markdown-it';
import {
  type Block,
  type FormattedText,
  type Inline,
  type MentionTarget,
  plainParagraphs,
  trimmedInlines,
  truncateUtf16,
} from '../../../src/connector/index.js';
import { BlockBuilder } from './block-builder.js';
import { mattermostEmoji } from './emoji.js';

export interface ParseMattermostOptions {
  /** Maps a (lowercased) username to a mention target; undefined → the text stays plain. */
  resolveUser: (username: string) => MentionTarget | undefined;
  /** Display name used as the mention's text; defaults to `@username`. */
  userDisplayName?: (username: string) => string | undefined;
  /** Turn `:emoji_name:` shortcodes into Unicode emoji (default true). */
  emoji?: boolean;
}

const ROOM_KEYWORDS = new Set(['channel', 'all', 'here']);
/**
 * Mattermost posts are at most 16383 characters by default (65535 at most when configured);
 * longer input is truncated so pathological Markdown cannot make parsing slow.
 */
const MAX_MARKDOWN_LENGTH = 64 * 1024;

// ---------------------------------------------------------------------------------------
// markdown-it setup

const MENTION_AT = /@([a-z0-9._-]+)/iy;
/** Characters that, right before `@`, make it part of a word or address rather than a mention. */
const WORD_BEFORE = /[\p{L}\p{N}_.+-]/u;

function mentionRule(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src.charCodeAt(pos) !== 0x40 /* @ */) return false;
  if (pos > 0 && WORD_BEFORE.test(src[pos - 1]!)) return false;
  MENTION_AT.lastIndex = pos;
  const m = MENTION_AT.exec(src);
  if (!m) return false;
  // A trailing "." ends the sentence, it is not part of the username.
  const name = m[1]!.replace(/\.+$/, '');
  if (name === '') return false;
  if (!silent) {
    const keyword = name.toLowerCase();
    const token = ROOM_KEYWORDS.has(keyword)
      ? state.push('mm_room_mention', '', 0)
      : state.push('mm_mention', '', 0);
    token.content = name;
    token.markup = `@${name}`;
  }
  state.pos += 1 + name.length;
  return true;
}

function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt('default', {
    html: false,
    linkify: true,
    breaks: true,
    typographer: false,
  });
  // Mattermost does not turn bare domains ("example.com") into links; "www." and schemes it does.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
  md.linkify.add('www.', {
    validate: (text, pos) => {
      const m = /^[a-z0-9-]+(\.[a-z0-9-]+)+[^\s<]*/i.exec(text.slice(pos));
      return m ? m[0].length : 0;
    },
    normalize: (match) => {
      match.url = `http://${match.url}`;
    },
  });
  md.inline.ruler.before('emphasis', 'mm_mention', mentionRule);
  return md;
}

const md = createMarkdown();

function tokenize(markdown: string): Token[] {
  const src = truncateUtf16(markdown, MAX_MARKDOWN_LENGTH);
  return md.parse(src.replace(/\r\n?/g, '\n'), {});
}

// ---------------------------------------------------------------------------------------
// Mention candidates

function trailingVariants(name: string): string[] {
  const out = [name];
  const stripped = name.replace(/[._-]+$/, '');
  if (stripped !== '' && stripped !== name) out.push(stripped);
  return out;
}

/**
 * Usernames mentioned in `markdown` (lowercased, deduplicated, without channel/all/here and
 * without anything inside code), for resolving them in one API call before parsing. A name
 * ending in `_`/`-` is listed with and without that ending, as Mattermost tries both.
 */
export function extractMentionCandidates(markdown: string): string[] {
  const seen = new Set<string>();
  const walk = (tokens: readonly Token[]): void => {
    for (const t of tokens) {
      if (t.type === 'mm_mention')
        for (const v of trailingVariants(t.content.toLowerCase())) seen.add(v);
      if (t.children) walk(t.children);
    }
  };
  try {
    walk(tokenize(markdown));
  } catch {
    return [];
  }
  return [...seen];
}

// ---------------------------------------------------------------------------------------
// Tokens → AST

export function parseMattermostMarkdown(
  markdown: string,
  opts: ParseMattermostOptions,
): FormattedText {
  if (typeof markdown !== 'string' || markdown === '') return { blocks: [] };
  try {
    return { blocks: blocksFromTokens(tokenize(markdown), opts) };
  } catch {
    // markdown-it should not throw; if it does, deliver the text unformatted.
    return { blocks: plainParagraphs(markdown) };
  }
}

/** Tokens whose next token is their inline content (consumed with them). */
const WITH_INLINE = new Set(['paragraph_open', 'heading_open', 'th_open', 'td_open']);

function blocksFromTokens(tokens: readonly Token[], opts: ParseMattermostOptions): Block[] {
  const build = new BlockBuilder((children) => trimmedInlines(inlinesFromTokens(children, opts)));
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (WITH_INLINE.has(t.type) && next?.type === 'inline') i += 1;
    switch (t.type) {
      case 'paragraph_open':
      case 'heading_open':
        build.textBlock(t, next);
        break;
      case 'fence':
      case 'code_block':
        build.codeBlock(t);
        break;
      case 'blockquote_open':
        build.openQuote();
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        build.openList(t);
        break;
      case 'list_item_open':
        build.openListItem();
        break;
      case 'blockquote_close':
      case 'list_item_close':
        build.closeContainer();
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        build.closeList();
        break;
      case 'hr':
        build.rule();
        break;
      case 'table_open':
        build.openTable();
        break;
      case 'tr_open':
        build.openRow();
        break;
      case 'th_open':
      case 'td_open':
        build.cell(t, next);
        break;
      case 'tr_close':
        build.closeRow();
        break;
      case 'table_close':
        build.closeTable();
        break;
      case 'inline':
        build.looseInline(t);
        break;
      default:
        break;
    }
  }
  return build.root;
}

/** An open inline container: its children so far, and how to wrap them when it closes. */
interface Frame {
  children: Inline[];
  wrap: (children: Inline[]) => Inline[];
  isLink: boolean;
}

function inlinesFromTokens(tokens: readonly Token[], opts: ParseMattermostOptions): Inline[] {
  const root: Inline[] = [];
  const stack: Frame[] = [];
  const out = (): Inline[] => (stack.length > 0 ? stack[stack.length - 1]!.children : root);
  const inLink = (): boolean => stack.some((f) => f.isLink);
  const open = (wrap: Frame['wrap'], isLink = false): void => {
    stack.push({ children: [], wrap, isLink });
  };
  const close = (): void => {
    const frame = stack.pop();
    if (frame) out().push(...frame.wrap(frame.children));
  };

  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'text_special':
        out().push(...textInlines(t.content, opts, inLink()));
        break;
      case 'softbreak':
      case 'hardbreak':
        out().push({ type: 'linebreak' });
        break;
      case 'code_inline':
        out().push({ type: 'code', text: t.content });
        break;
      case 'strong_open':
        open((children) => [{ type: 'bold', children }]);
        break;
      case 'em_open':
        open((children) => [{ type: 'italic', children }]);
        break;
      case 's_open':
        open((children) => [{ type: 'strike', children }]);
        break;
      case 'link_open': {
        const href = t.attrGet('href') ?? '';
        // A link inside a link (or without target) keeps only its text.
        if (href === '' || inLink()) open((children) => children, true);
        else open((children) => [{ type: 'link', href, children }], true);
        break;
      }
      case 'strong_close':
      case 'em_close':
      case 's_close':
      case 'link_close':
        close();
        break;
      case 'image': {
        const src = t.attrGet('src') ?? '';
        const alt = t.content !== '' ? t.content : src;
        if (src !== '' && !inLink())
          out().push({ type: 'link', href: src, children: [{ type: 'text', text: alt }] });
        else if (alt !== '') out().push({ type: 'text', text: alt });
        break;
      }
      case 'mm_room_mention':
        out().push(inLink() ? { type: 'text', text: t.markup } : { type: 'room_mention' });
        break;
      case 'mm_mention':
        if (inLink()) out().push({ type: 'text', text: t.markup });
        else out().push(...mention(t.content, opts));
        break;
      default:
        if (t.content) out().push({ type: 'text', text: t.content });
        break;
    }
  }
  while (stack.length > 0) close();
  return root;
}

function mention(name: string, opts: ParseMattermostOptions): Inline[] {
  for (const candidate of trailingVariants(name)) {
    const username = candidate.toLowerCase();
    const target = opts.resolveUser(username);
    if (target === undefined) continue;
    const text = opts.userDisplayName?.(username) || `@${candidate}`;
    const rest = name.slice(candidate.length);
    const node: Inline = { type: 'mention', target, text };
    return rest === '' ? [node] : [node, { type: 'text', text: rest }];
  }
  return [{ type: 'text', text: `@${name}` }];
}

const EMOJI_SHORTCODE = /(?<![\p{L}\p{N}_:]):([a-z0-9_+-]{1,64}):(?![\p{L}\p{N}_:])/giu;

function textInlines(text: string, opts: ParseMattermostOptions, inLink: boolean): Inline[] {
  if (opts.emoji === false || inLink || !text.includes(':')) return [{ type: 'text', text }];
  return [
    {
      type: 'text',
      text: text.replace(
        EMOJI_SHORTCODE,
        (whole, name: string) => mattermostEmoji.toUnicode(name) ?? whole,
      ),
    },
  ];
}
