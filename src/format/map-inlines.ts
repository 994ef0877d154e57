/** A rewrite over every inline node of a FormattedText, for the safety passes. */
import type { Block, FormattedText, Inline } from '../model/message.js';
import { hasChildren } from './inline.js';

/**
 * Returns a copy of `text` where each inline node for which `replace` returns an array is
 * replaced by those nodes (not visited again); other nodes are kept, their children visited.
 */
export function mapInlines(
  text: FormattedText,
  replace: (node: Inline) => Inline[] | undefined,
): FormattedText {
  const inlines = (nodes: readonly Inline[]): Inline[] =>
    nodes.flatMap((node): Inline[] => {
      const replaced = replace(node);
      if (replaced !== undefined) return replaced;
      return hasChildren(node) ? [{ ...node, children: inlines(node.children) } as Inline] : [node];
    });
  const block = (b: Block): Block => {
    switch (b.type) {
      case 'paragraph':
      case 'heading':
        return { ...b, children: inlines(b.children) };
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
