import { matrixToUserLink } from '../format/index.js';
import type { Block, FormattedText, Inline, MentionTarget } from '../model/message.js';

/** Returns a copy of `text` with every mention target passed through `map`. */
export function mapMentions(
  text: FormattedText,
  map: (t: MentionTarget) => MentionTarget,
): FormattedText {
  return mapLeaves(text, (n) => (n.type === 'mention' ? { ...n, target: map(n.target) } : n));
}

/** True when `text` notifies the whole room (`@room`). */
export function hasRoomMention(text: FormattedText): boolean {
  let found = false;
  mapLeaves(text, (n) => {
    if (n.type === 'room_mention') found = true;
    return n;
  });
  return found;
}

/** `@room` kept as plain text, notifying nobody. */
export function withoutRoomMentions(text: FormattedText): FormattedText {
  return mapLeaves(text, (n) => (n.type === 'room_mention' ? { type: 'text', text: '@room' } : n));
}

/**
 * Platform text may only mention platform users (remote targets, from the connector's own
 * mention syntax). A Matrix user id in a mention from a platform could only come from markup
 * someone wrote, so it becomes a plain link (shown in a non-pill form) and notifies nobody.
 */
export function platformMentionsOnly(text: FormattedText): FormattedText {
  return mapLeaves(text, (n) =>
    n.type === 'mention' && n.target.kind === 'matrix'
      ? {
          type: 'link',
          href: matrixToUserLink(n.target.userId),
          children: [{ type: 'text', text: n.text }],
        }
      : n,
  );
}

/** Returns a copy of `text` with every inline leaf (no children) passed through `map`. */
function mapLeaves(text: FormattedText, map: (n: Inline) => Inline): FormattedText {
  const inline = (n: Inline): Inline => {
    switch (n.type) {
      case 'bold':
      case 'italic':
      case 'strike':
      case 'underline':
      case 'link':
        return { ...n, children: n.children.map(inline) };
      case 'text':
      case 'code':
      case 'mention':
      case 'room_mention':
      case 'linebreak':
        return map(n);
    }
  };
  const block = (b: Block): Block => {
    switch (b.type) {
      case 'paragraph':
      case 'heading':
        return { ...b, children: b.children.map(inline) };
      case 'quote':
        return { ...b, children: b.children.map(block) };
      case 'list':
        return { ...b, items: b.items.map((item) => item.map(block)) };
      case 'code_block':
      case 'rule':
        return b;
    }
  };
  return { blocks: text.blocks.map(block) };
}
