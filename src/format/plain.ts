/** Common FormattedText → readable plain text (Matrix `body`, notices, logs). */
import type { Block, FormattedText, Inline, MentionTarget } from '../model/message.js';

export type MentionNamer = (target: MentionTarget) => string | undefined;

/** How one mention node is written; used by renderers that know more (e.g. Matrix pills). */
export type MentionWriter = (node: Extract<Inline, { type: 'mention' }>) => string;

export function toPlainText(text: FormattedText, mentionName?: MentionNamer): string {
  return plainWith(text, (node) => mentionName?.(node.target) ?? node.text);
}

export function plainWith(text: FormattedText, mention: MentionWriter): string {
  return blocksToPlain(text.blocks, mention);
}

function blocksToPlain(blocks: readonly Block[], mention: MentionWriter): string {
  return blocks
    .map((b) => blockToPlain(b, mention))
    .filter((s) => s !== '')
    .join('\n\n');
}

/** A fence longer than any backtick run inside `text`. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function blockToPlain(block: Block, mention: MentionWriter): string {
  switch (block.type) {
    case 'paragraph':
      return inlinesToPlain(block.children, mention);
    case 'heading':
      return `${'#'.repeat(block.level)} ${inlinesToPlain(block.children, mention).replace(/\n/g, ' ')}`;
    case 'code_block': {
      const fence = fenceFor(block.text);
      return `${fence}${block.language ?? ''}\n${block.text}\n${fence}`;
    }
    case 'quote':
      return blocksToPlain(block.children, mention)
        .split('\n')
        .map((l) => (l === '' ? '>' : `> ${l}`))
        .join('\n');
    case 'list': {
      const start = block.start ?? 1;
      return block.items
        .map((item, i) => {
          const marker = block.ordered ? `${start + i}. ` : '- ';
          const indent = ' '.repeat(marker.length);
          const body = itemToPlain(item, mention).split('\n');
          return body.map((l, j) => (j === 0 ? marker + l : l === '' ? '' : indent + l)).join('\n');
        })
        .join('\n');
    }
    case 'rule':
      return '---';
  }
}

/** List item blocks: a nested list follows its paragraph directly (tight), others get a blank line. */
function itemToPlain(item: readonly Block[], mention: MentionWriter): string {
  let out = '';
  for (const block of item) {
    const text = blockToPlain(block, mention);
    if (text === '') continue;
    if (out !== '') out += block.type === 'list' ? '\n' : '\n\n';
    out += text;
  }
  return out;
}

export function inlinesToPlain(inlines: readonly Inline[], mention: MentionWriter): string {
  let out = '';
  for (const node of inlines) {
    switch (node.type) {
      case 'text':
        out += node.text;
        break;
      case 'bold':
      case 'italic':
      case 'strike':
      case 'underline':
        out += inlinesToPlain(node.children, mention);
        break;
      case 'code':
        out += `\`${node.text}\``;
        break;
      case 'link': {
        const label = inlinesToPlain(node.children, mention);
        out +=
          label === node.href || `mailto:${label}` === node.href
            ? label
            : `${label} (${node.href})`;
        break;
      }
      case 'mention':
        out += mention(node);
        break;
      case 'room_mention':
        out += '@room';
        break;
      case 'linebreak':
        out += '\n';
        break;
    }
  }
  return out;
}
