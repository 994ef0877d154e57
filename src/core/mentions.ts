import type { Block, FormattedText, Inline, MentionTarget } from '../model/message.js';

/** Returns a copy of `text` with every mention target passed through `map`. */
export function mapMentions(
  text: FormattedText,
  map: (t: MentionTarget) => MentionTarget,
): FormattedText {
  const inline = (n: Inline): Inline => {
    switch (n.type) {
      case 'mention':
        return { ...n, target: map(n.target) };
      case 'bold':
      case 'italic':
      case 'strike':
      case 'underline':
      case 'link':
        return { ...n, children: n.children.map(inline) };
      default:
        return n;
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
      default:
        return b;
    }
  };
  return { blocks: text.blocks.map(block) };
}
