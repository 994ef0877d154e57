/**
 * Slack `rich_text` blocks → common FormattedText. Blocks come from other Slack clients, so
 * every field is checked before use; unknown element types are skipped.
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  normalizeInlines,
} from '../../../src/connector/index.js';
import { codepointsToText, slackEmoji } from './emoji.js';
import { SAFE_LINK } from './entities.js';
import type { MentionResolver } from './mentions.js';
import { isObject, type RichTextBlock } from './rich-text-types.js';

type Json = Record<string, unknown>;
type ListBlock = Extract<Block, { type: 'list' }>;

const MAX_ELEMENTS = 5000;
const MAX_INDENT = 8;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

export function parseRichText(blocks: RichTextBlock[], r: MentionResolver): FormattedText {
  const out: Block[] = [];
  let budget = MAX_ELEMENTS;
  for (const block of blocks) {
    // Nested lists arrive as consecutive flat lists with a growing `indent`.
    let stack: Array<{ indent: number; list: ListBlock }> = [];
    for (const el of list(block.elements)) {
      if (--budget < 0) break;
      if (el.type !== 'rich_text_list') stack = [];
      switch (el.type) {
        case 'rich_text_section':
          out.push(...paragraphs(inlines(list(el.elements), r)));
          break;
        case 'rich_text_preformatted': {
          const text = plainOf(list(el.elements), r).replace(/\n$/, '');
          if (text !== '') out.push({ type: 'code_block', text });
          break;
        }
        case 'rich_text_quote': {
          const children = paragraphs(inlines(list(el.elements), r));
          if (children.length > 0) out.push({ type: 'quote', children });
          break;
        }
        case 'rich_text_list':
          stack = addList(el, stack, out, r);
          break;
      }
    }
  }
  return { blocks: out };
}

function addList(
  el: Json,
  stack: Array<{ indent: number; list: ListBlock }>,
  out: Block[],
  r: MentionResolver,
): Array<{ indent: number; list: ListBlock }> {
  const indent = Math.min(MAX_INDENT, Math.max(0, Math.floor(Number(el.indent) || 0)));
  const ordered = el.style === 'ordered';
  const offset = Math.max(0, Math.floor(Number(el.offset) || 0));
  const items = list(el.elements).map((section): Block[] =>
    paragraphs(inlines(list(section.elements), r)),
  );
  while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
  let top = stack[stack.length - 1];
  if (top && top.indent === indent) {
    if (top.list.ordered === ordered) {
      // The same list, continued after a nested one.
      top.list.items.push(...items);
      return stack;
    }
    stack.pop();
    top = stack[stack.length - 1];
  }
  const block: ListBlock = { type: 'list', ordered, items };
  if (ordered && offset > 0) block.start = offset + 1;
  if (top) {
    const parent = top.list.items[top.list.items.length - 1];
    if (parent) parent.push(block);
    else top.list.items.push([block]);
  } else {
    out.push(block);
  }
  stack.push({ indent, list: block });
  return stack;
}

/** Splits inline content at blank lines into paragraphs, dropping edge line breaks. */
function paragraphs(nodes: Inline[]): Block[] {
  const out: Block[] = [];
  let current: Inline[] = [];
  const flush = () => {
    while (current[0]?.type === 'linebreak') current.shift();
    while (current[current.length - 1]?.type === 'linebreak') current.pop();
    const children = normalizeInlines(current);
    if (children.some((n) => n.type !== 'text' || n.text.trim() !== '')) {
      out.push({ type: 'paragraph', children });
    }
    current = [];
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === 'linebreak' && nodes[i + 1]?.type === 'linebreak') {
      flush();
      while (nodes[i + 1]?.type === 'linebreak') i++;
      continue;
    }
    current.push(n);
  }
  flush();
  return out;
}

function styled(node: Inline, style: unknown): Inline {
  if (!isObject(style)) return node;
  let out = node;
  if (style.strike === true) out = { type: 'strike', children: [out] };
  if (style.italic === true) out = { type: 'italic', children: [out] };
  if (style.bold === true) out = { type: 'bold', children: [out] };
  return out;
}

function withBreaks(text: string, style: unknown): Inline[] {
  const out: Inline[] = [];
  text.split('\n').forEach((part, i) => {
    if (i > 0) out.push({ type: 'linebreak' });
    if (part !== '') out.push(styled({ type: 'text', text: part }, style));
  });
  return out;
}

function inlines(elements: Json[], r: MentionResolver): Inline[] {
  return elements.flatMap((el): Inline[] => {
    switch (el.type) {
      case 'text': {
        const text = str(el.text) ?? '';
        if (isObject(el.style) && el.style.code === true) {
          return text === '' ? [] : [styled({ type: 'code', text }, { ...el.style })];
        }
        return withBreaks(text, el.style);
      }
      case 'link': {
        const url = str(el.url) ?? '';
        const label = str(el.text) || url;
        if (!SAFE_LINK.test(url)) return withBreaks(label, el.style);
        return [
          styled({ type: 'link', href: url, children: [{ type: 'text', text: label }] }, el.style),
        ];
      }
      case 'user': {
        const id = str(el.user_id) ?? '';
        const user = r.user(id);
        return [
          user
            ? { type: 'mention', target: user.target, text: user.name }
            : { type: 'text', text: `@${id}` },
        ];
      }
      case 'broadcast':
        return [{ type: 'room_mention' }];
      case 'emoji':
        return [{ type: 'text', text: emojiText(el) }];
      case 'channel': {
        const id = str(el.channel_id) ?? '';
        return [{ type: 'text', text: `#${r.channelName(id) ?? id}` }];
      }
      case 'usergroup':
        return [{ type: 'text', text: '@group' }];
      case 'date':
        return [
          {
            type: 'text',
            text: str(el.fallback) ?? new Date(Number(el.timestamp) * 1000).toISOString(),
          },
        ];
      case 'color':
      case 'team':
        return [{ type: 'text', text: str(el.value) ?? str(el.team_id) ?? '' }];
      default:
        return [];
    }
  });
}

function emojiText(el: Json): string {
  const name = str(el.name) ?? '';
  const tone = Number(el.skin_tone);
  const withTone = tone >= 2 && tone <= 6 ? `${name}::skin-tone-${tone}` : name;
  return codepointsToText(str(el.unicode)) ?? slackEmoji.toUnicode(withTone) ?? `:${withTone}:`;
}

/** Preformatted content as plain text: links show their text, mentions their name. */
function plainOf(elements: Json[], r: MentionResolver): string {
  return elements
    .map((el) => {
      switch (el.type) {
        case 'text':
          return str(el.text) ?? '';
        case 'link':
          return str(el.text) || str(el.url) || '';
        case 'user': {
          const id = str(el.user_id) ?? '';
          return `@${r.user(id)?.name ?? id}`;
        }
        case 'emoji':
          return emojiText(el);
        case 'broadcast':
          return `@${str(el.range) ?? 'channel'}`;
        default:
          return '';
      }
    })
    .join('');
}
