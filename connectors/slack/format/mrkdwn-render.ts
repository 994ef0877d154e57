/**
 * Common FormattedText → Slack mrkdwn. `&`, `<`, `>` in text are always sent as entities, so
 * nothing a Matrix user types can become a Slack mention, broadcast or link by accident;
 * only mention and link nodes produce `<…>` sequences.
 */
import {
  type Block,
  type FormattedText,
  type Inline,
  normalizeInlines,
  wrapDelimited as wrap,
} from '../../../src/connector/index.js';
import { SAFE_LINK, escapeMrkdwn } from './entities.js';
import type { SlackUserFor } from './mentions.js';

const INDENT = '    ';

export function renderMrkdwn(text: FormattedText, userFor: SlackUserFor): string {
  return renderBlocks(text.blocks, userFor).replace(/\n+$/, '');
}

function renderBlocks(blocks: readonly Block[], userFor: SlackUserFor): string {
  return blocks
    .map((b) => renderBlock(b, userFor))
    .filter((s) => s !== '')
    .join('\n\n');
}

function renderBlock(block: Block, userFor: SlackUserFor): string {
  switch (block.type) {
    case 'paragraph':
      return renderInlines(block.children, userFor, false);
    case 'heading': {
      const inner = renderInlines(block.children, userFor, false).replace(/\n/g, ' ');
      return wrap(inner, '*');
    }
    case 'code_block':
      return renderCode(block.text);
    case 'quote':
      return renderBlocks(block.children, userFor)
        .split('\n')
        .map((l) => `>${l === '' ? '' : ` ${l}`}`)
        .join('\n');
    case 'list':
      return renderList(block, userFor, 0);
    case 'rule':
      return '———';
  }
}

function renderCode(text: string): string {
  // Slack has no escape inside code blocks: break up a fence that would end it early.
  const body = escapeMrkdwn(text.replace(/\n$/, '')).replace(/```/g, '`\u200B``');
  return '```\n' + body + '\n```';
}

function renderList(
  list: Extract<Block, { type: 'list' }>,
  userFor: SlackUserFor,
  depth: number,
): string {
  const pad = INDENT.repeat(depth);
  const start = list.start ?? 1;
  return list.items
    .map((item, i) => {
      const marker = list.ordered ? `${start + i}.` : depth % 2 === 0 ? '•' : '◦';
      const lines: string[] = [];
      let opened = false;
      for (const b of item) {
        if (b.type === 'list') {
          if (!opened) lines.push(`${pad}${marker}`);
          opened = true;
          lines.push(renderList(b, userFor, depth + 1));
          continue;
        }
        const text = renderBlock(b, userFor);
        if (text === '') continue;
        for (const l of text.split('\n')) {
          lines.push(opened ? `${pad}   ${l}` : `${pad}${marker} ${l}`);
          opened = true;
        }
      }
      return opened ? lines.join('\n') : `${pad}${marker}`;
    })
    .join('\n');
}

function renderInlines(inlines: readonly Inline[], userFor: SlackUserFor, inLink: boolean): string {
  return normalizeInlines(inlines)
    .map((n) => renderInline(n, userFor, inLink))
    .join('');
}

function renderInline(node: Inline, userFor: SlackUserFor, inLink: boolean): string {
  switch (node.type) {
    case 'text':
      return escapeMrkdwn(node.text);
    case 'bold':
      return wrap(renderInlines(node.children, userFor, inLink), '*');
    case 'italic':
      return wrap(renderInlines(node.children, userFor, inLink), '_');
    case 'strike':
      return wrap(renderInlines(node.children, userFor, inLink), '~');
    case 'underline':
      return renderInlines(node.children, userFor, inLink);
    case 'code': {
      const body = node.text.replace(/\n/g, ' ').replace(/`/g, 'ˋ');
      return body === '' ? '' : `\`${escapeMrkdwn(body)}\``;
    }
    case 'link':
      return renderLink(node, userFor, inLink);
    case 'mention': {
      const id = inLink ? undefined : userFor(node.target);
      if (id !== undefined && /^[UW][A-Z0-9]+$/.test(id)) return `<@${id}>`;
      return escapeMrkdwn(node.text);
    }
    case 'room_mention':
      return inLink ? '@channel' : '<!channel>';
    case 'linebreak':
      return inLink ? ' ' : '\n';
  }
}

function plainLabel(inlines: readonly Inline[]): string {
  return inlines
    .map((n) =>
      n.type === 'text' || n.type === 'code'
        ? n.text
        : n.type === 'mention'
          ? n.text
          : 'children' in n
            ? plainLabel(n.children)
            : n.type === 'room_mention'
              ? '@channel'
              : ' ',
    )
    .join('');
}

function renderLink(
  node: Extract<Inline, { type: 'link' }>,
  userFor: SlackUserFor,
  inLink: boolean,
): string {
  if (inLink || !SAFE_LINK.test(node.href)) return renderInlines(node.children, userFor, true);
  // `|` and `>` would end the target early; `<` and spaces are not valid in it either.
  const href = node.href.replace(/[|<> ]/g, (c) => encodeURIComponent(c));
  const label = plainLabel(node.children).replace(/\n/g, ' ');
  if (label === '' || label === node.href) return `<${escapeMrkdwn(href)}>`;
  return `<${escapeMrkdwn(href)}|${escapeMrkdwn(label)}>`;
}
