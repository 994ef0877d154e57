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
  normalizeInlines,
  textWithBreaks,
  truncateUtf16,
} from '../../../src/connector/index.js';
import { emojiNameToUnicode } from './emoji-names.js';

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
    return {
      blocks: markdown
        .split(/\n{2,}/)
        .filter((p) => p.trim() !== '')
        .map((p) => ({ type: 'paragraph', children: normalizeInlines(textWithBreaks(p)) })),
    };
  }
}

function blocksFromTokens(tokens: readonly Token[], opts: ParseMattermostOptions): Block[] {
  const root: Block[] = [];
  const containers: Block[][] = [root];
  const lists: Extract<Block, { type: 'list' }>[] = [];
  let table: Inline[][] | undefined;
  let row: Inline[][] | undefined;
  const current = (): Block[] => containers[containers.length - 1]!;

  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    switch (t.type) {
      case 'paragraph_open':
      case 'heading_open': {
        const inline = tokens[i + 1];
        const children =
          inline?.type === 'inline' ? finish(inlinesFromTokens(inline.children ?? [], opts)) : [];
        if (inline?.type === 'inline') i += 1;
        if (children.length === 0) break;
        if (t.type === 'heading_open') {
          const level = Math.min(6, Math.max(1, Number(t.tag.slice(1)) || 1)) as
            1 | 2 | 3 | 4 | 5 | 6;
          current().push({ type: 'heading', level, children });
        } else {
          current().push({ type: 'paragraph', children });
        }
        break;
      }
      case 'fence':
      case 'code_block': {
        const language = t.type === 'fence' ? t.info.trim().split(/\s+/)[0] : undefined;
        const text = t.content.endsWith('\n') ? t.content.slice(0, -1) : t.content;
        current().push(
          language ? { type: 'code_block', language, text } : { type: 'code_block', text },
        );
        break;
      }
      case 'blockquote_open': {
        const quote: Block = { type: 'quote', children: [] };
        current().push(quote);
        containers.push(quote.children);
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const list: Extract<Block, { type: 'list' }> = {
          type: 'list',
          ordered: t.type === 'ordered_list_open',
          items: [],
        };
        const start = Number(t.attrGet('start') ?? '1');
        if (list.ordered && Number.isSafeInteger(start) && start !== 1) list.start = start;
        current().push(list);
        lists.push(list);
        break;
      }
      case 'list_item_open': {
        const item: Block[] = [];
        lists[lists.length - 1]?.items.push(item);
        containers.push(item);
        break;
      }
      case 'blockquote_close':
      case 'list_item_close':
        if (containers.length > 1) containers.pop();
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'hr':
        current().push({ type: 'rule' });
        break;
      case 'table_open':
        table = [];
        break;
      case 'tr_open':
        row = [];
        break;
      case 'th_open':
      case 'td_open': {
        const inline = tokens[i + 1];
        let cell: Inline[] = [];
        if (inline?.type === 'inline') {
          cell = finish(inlinesFromTokens(inline.children ?? [], opts));
          i += 1;
        }
        if (t.type === 'th_open' && cell.length > 0) cell = [{ type: 'bold', children: cell }];
        row?.push(cell);
        break;
      }
      case 'tr_close':
        if (row && table) {
          table.push(
            row.flatMap((c, j): Inline[] => (j === 0 ? c : [{ type: 'text', text: ' | ' }, ...c])),
          );
        }
        row = undefined;
        break;
      case 'table_close': {
        const lines = (table ?? []).flatMap((r, j): Inline[] =>
          j === 0 ? r : [{ type: 'linebreak' }, ...r],
        );
        const children = finish(lines);
        if (children.length > 0) current().push({ type: 'paragraph', children });
        table = undefined;
        break;
      }
      case 'inline': {
        // Inline content outside a paragraph (should not happen with the default rules).
        const children = finish(inlinesFromTokens(t.children ?? [], opts));
        if (children.length > 0) current().push({ type: 'paragraph', children });
        break;
      }
      default:
        break;
    }
  }
  return root;
}

function finish(inlines: Inline[]): Inline[] {
  const out = normalizeInlines(inlines);
  while (out[0]?.type === 'linebreak') out.shift();
  while (out[out.length - 1]?.type === 'linebreak') out.pop();
  return out;
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
        (whole, name: string) => emojiNameToUnicode(name) ?? whole,
      ),
    },
  ];
}
