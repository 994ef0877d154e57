/**
 * Common FormattedText → Slack mrkdwn. `&`, `<`, `>` in text are always sent as entities, so
 * nothing a Matrix user types can become a Slack mention, broadcast or link by accident;
 * only mention and link nodes produce `<…>` sequences.
 */
import {
  type FormattedText,
  type LinkInline,
  type ListBlock,
  type MarkdownDialect,
  type MarkdownWalk,
  markdownWalk,
  percentEncodeChars,
  wrapDelimited,
} from '../../../src/connector/index.js';
import { SAFE_LINK, escapeMrkdwn, plainLinkLabel } from './entities.js';
import type { SlackUserFor } from './mentions.js';

const INDENT = '    ';

export function renderMrkdwn(text: FormattedText, userFor: SlackUserFor): string {
  return markdownWalk(mrkdwnDialect(userFor)).blocks(text.blocks).replace(/\n+$/, '');
}

function mrkdwnDialect(userFor: SlackUserFor): MarkdownDialect {
  return {
    bold: '*',
    italic: '_',
    strike: '~',
    text: escapeMrkdwn,
    code: (text) => {
      const body = text.replace(/\n/g, ' ').replace(/`/g, 'ˋ');
      return body === '' ? '' : `\`${escapeMrkdwn(body)}\``;
    },
    link: renderLink,
    mention: (node, inLink) => {
      const id = inLink ? undefined : userFor(node.target);
      if (id !== undefined && /^[UW][A-Z0-9]+$/.test(id)) return `<@${id}>`;
      return escapeMrkdwn(node.text);
    },
    roomMention: (inLink) => (inLink ? '@channel' : '<!channel>'),
    paragraph: (inlines) => inlines,
    heading: (_level, inlines) => wrapDelimited(inlines.replace(/\n/g, ' '), '*'),
    codeBlock: renderCode,
    quote: (inner) =>
      inner
        .split('\n')
        .map((l) => `>${l === '' ? '' : ` ${l}`}`)
        .join('\n'),
    list: (list, _alternate, walk) => renderList(list, walk, 0),
    rule: '———',
  };
}

function renderCode(text: string): string {
  // Slack has no escape inside code blocks: break up a fence that would end it early.
  const body = escapeMrkdwn(text.replace(/\n$/, '')).replace(/```/g, '`\u200B``');
  return '```\n' + body + '\n```';
}

function renderList(list: ListBlock, walk: MarkdownWalk, depth: number): string {
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
          lines.push(renderList(b, walk, depth + 1));
          continue;
        }
        const text = walk.block(b);
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

function renderLink(node: LinkInline, inLink: boolean, walk: MarkdownWalk): string {
  if (inLink || !SAFE_LINK.test(node.href)) return walk.inlines(node.children, true);
  // `|` and `>` would end the target early; `<` and spaces are not valid in it either.
  const href = percentEncodeChars(node.href, /[|<> ]/g);
  const label = plainLinkLabel(node.children).replace(/\n/g, ' ');
  if (label === '' || label === node.href) return `<${escapeMrkdwn(href)}>`;
  return `<${escapeMrkdwn(href)}|${escapeMrkdwn(label)}>`;
}
