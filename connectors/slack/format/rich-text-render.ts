/**
 * Common FormattedText → one Slack `rich_text` block: what Slack clients show for a bridged
 * message (the mrkdwn `text` stays as the notification fallback). Text elements are literal,
 * so nothing in them is read as markup.
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  normalizeInlines,
} from '../../../src/connector/index.js';
import { SAFE_LINK, plainLinkLabel } from './entities.js';
import type { SlackUserFor } from './mentions.js';
import type {
  RichElement,
  RichInline,
  RichList,
  RichSection,
  RichStyle,
  RichTextBlock,
} from './rich-text-types.js';

export function renderRichText(text: FormattedText, userFor: SlackUserFor): RichTextBlock {
  const elements: RichElement[] = [];
  for (const block of text.blocks) renderBlock(block, userFor, elements);
  return { type: 'rich_text', elements: mergeSections(elements) };
}

function renderBlock(block: Block, userFor: SlackUserFor, out: RichElement[]): void {
  switch (block.type) {
    case 'paragraph':
      out.push(section(inlines(block.children, {}, userFor)));
      break;
    case 'heading':
      out.push(section(inlines(block.children, { bold: true }, userFor)));
      break;
    case 'code_block':
      out.push({
        type: 'rich_text_preformatted',
        elements: [{ type: 'text', text: block.text.replace(/\n$/, '') || ' ' }],
        border: 0,
      });
      break;
    case 'quote':
      out.push({
        type: 'rich_text_quote',
        elements: quoteInlines(block.children, userFor),
        border: 0,
      });
      break;
    case 'list':
      renderList(block, 0, userFor, out);
      break;
    case 'rule':
      out.push(section([{ type: 'text', text: '———' }]));
      break;
  }
}

function section(elements: RichInline[]): RichSection {
  return { type: 'rich_text_section', elements };
}

/** Consecutive paragraphs become one section with blank lines, as Slack clients write them. */
function mergeSections(elements: RichElement[]): RichElement[] {
  const out: RichElement[] = [];
  for (const el of elements) {
    const prev = out[out.length - 1];
    if (el.type === 'rich_text_section' && prev?.type === 'rich_text_section') {
      prev.elements = mergeText([...prev.elements, { type: 'text', text: '\n\n' }, ...el.elements]);
    } else if (el.type !== 'rich_text_section' || el.elements.length > 0) {
      out.push(el);
    }
  }
  return out;
}

/** Nested lists are flat `rich_text_list`s with a growing indent; a list resumed after a nested one keeps counting. */
function renderList(
  list: Extract<Block, { type: 'list' }>,
  indent: number,
  userFor: SlackUserFor,
  out: RichElement[],
): void {
  let current: RichList | undefined;
  let count = (list.start ?? 1) - 1;
  const open = (): RichList => {
    if (current) return current;
    const created: RichList = {
      type: 'rich_text_list',
      style: list.ordered ? 'ordered' : 'bullet',
      indent,
      border: 0,
      elements: [],
    };
    if (list.ordered && count > 0) created.offset = count;
    out.push(created);
    current = created;
    return created;
  };
  const item = (elements: RichInline[]) => {
    open().elements.push(section(elements.length > 0 ? elements : [{ type: 'text', text: ' ' }]));
    count += 1;
  };
  for (const blocks of list.items) {
    let started = false;
    for (const b of blocks) {
      if (b.type === 'list') {
        if (!started) item([]);
        started = true;
        renderList(b, Math.min(indent + 1, 8), userFor, out);
        current = undefined;
      } else if (!started) {
        item(blockInlines(b, userFor));
        started = true;
      } else {
        // A second paragraph of the same item continues its section.
        const last = open().elements[open().elements.length - 1];
        const more = blockInlines(b, userFor);
        if (last)
          last.elements = mergeText([...last.elements, { type: 'text', text: '\n' }, ...more]);
      }
    }
    if (!started) item([]);
  }
}

function blockInlines(b: Block, userFor: SlackUserFor): RichInline[] {
  switch (b.type) {
    case 'paragraph':
      return inlines(b.children, {}, userFor);
    case 'heading':
      return inlines(b.children, { bold: true }, userFor);
    case 'code_block':
      return [{ type: 'text', text: b.text, style: { code: true } }];
    case 'quote':
      return quoteInlines(b.children, userFor);
    case 'list':
      return b.items.flatMap((item, i) => [
        ...(i > 0 ? [{ type: 'text' as const, text: '\n' }] : []),
        ...item.flatMap((x) => blockInlines(x, userFor)),
      ]);
    case 'rule':
      return [{ type: 'text', text: '———' }];
  }
}

function quoteInlines(blocks: readonly Block[], userFor: SlackUserFor): RichInline[] {
  const out: RichInline[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push({ type: 'text', text: '\n' });
    out.push(...blockInlines(b, userFor));
  });
  return mergeText(out);
}

function styleOf(s: RichStyle): RichStyle | undefined {
  const out: RichStyle = {};
  if (s.bold) out.bold = true;
  if (s.italic) out.italic = true;
  if (s.strike) out.strike = true;
  if (s.code) out.code = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

function withStyle<T extends RichInline>(el: T, s: RichStyle): T {
  const style = styleOf(s);
  return style ? { ...el, style } : el;
}

function inlines(nodes: readonly Inline[], style: RichStyle, userFor: SlackUserFor): RichInline[] {
  const out: RichInline[] = [];
  for (const n of normalizeInlines(nodes)) {
    switch (n.type) {
      case 'text':
        out.push(withStyle({ type: 'text', text: n.text }, style));
        break;
      case 'bold':
      case 'italic':
      case 'strike':
        out.push(...inlines(n.children, { ...style, [n.type]: true }, userFor));
        break;
      case 'underline':
        out.push(...inlines(n.children, style, userFor));
        break;
      case 'code':
        if (n.text !== '')
          out.push(withStyle({ type: 'text', text: n.text }, { ...style, code: true }));
        break;
      case 'link': {
        const label = plainLinkLabel(n.children);
        if (SAFE_LINK.test(n.href)) {
          const link = {
            type: 'link' as const,
            url: n.href,
            ...(label && label !== n.href ? { text: label } : {}),
          };
          out.push(withStyle(link, style));
        } else out.push(withStyle({ type: 'text', text: label }, style));
        break;
      }
      case 'mention': {
        const id = userFor(n.target);
        if (id !== undefined && /^[UW][A-Z0-9]+$/.test(id)) out.push({ type: 'user', user_id: id });
        else out.push(withStyle({ type: 'text', text: n.text }, style));
        break;
      }
      case 'room_mention':
        out.push({ type: 'broadcast', range: 'channel' });
        break;
      case 'linebreak':
        out.push({ type: 'text', text: '\n' });
        break;
    }
  }
  return mergeText(out);
}

/** Joins neighbouring text elements of the same style. */
function mergeText(elements: RichInline[]): RichInline[] {
  const out: RichInline[] = [];
  for (const el of elements) {
    const prev = out[out.length - 1];
    if (
      el.type === 'text' &&
      prev?.type === 'text' &&
      JSON.stringify(prev.style ?? {}) === JSON.stringify(el.style ?? {})
    ) {
      out[out.length - 1] = { ...prev, text: prev.text + el.text };
    } else if (el.type !== 'text' || el.text !== '') {
      out.push(el);
    }
  }
  return out;
}
