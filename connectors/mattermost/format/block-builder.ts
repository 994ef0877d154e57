/**
 * markdown-it's flat token stream → nested common blocks. Opening tokens push a container
 * (quote, list item), closing ones pop it; tables become one paragraph of ` | `-joined rows,
 * since Matrix clients and other platforms do not all show tables.
 */
import type { Token } from 'markdown-it';
import {
  type Block,
  headingLevel,
  type Inline,
  tableParagraph,
} from '../../../src/connector/index.js';

type ListBlock = Extract<Block, { type: 'list' }>;

export class BlockBuilder {
  readonly root: Block[] = [];
  private readonly containers: Block[][] = [this.root];
  private readonly lists: ListBlock[] = [];
  private table: Inline[][][] | undefined;
  private row: Inline[][] | undefined;

  /** @param inlines an `inline` token's children as finished common inlines */
  constructor(private readonly inlines: (children: readonly Token[]) => Inline[]) {}

  private current(): Block[] {
    return this.containers[this.containers.length - 1]!;
  }

  /** A paragraph or heading from its opening token and the inline token after it. */
  textBlock(open: Token, inline: Token | undefined): void {
    const children = inline?.type === 'inline' ? this.inlines(inline.children ?? []) : [];
    if (children.length === 0) return;
    if (open.type === 'heading_open') {
      this.current().push({ type: 'heading', level: headingLevel(open.tag.slice(1)), children });
    } else {
      this.current().push({ type: 'paragraph', children });
    }
  }

  /** Inline content outside a paragraph (should not happen with the default rules). */
  looseInline(t: Token): void {
    const children = this.inlines(t.children ?? []);
    if (children.length > 0) this.current().push({ type: 'paragraph', children });
  }

  codeBlock(t: Token): void {
    const language = t.type === 'fence' ? t.info.trim().split(/\s+/)[0] : undefined;
    const text = t.content.endsWith('\n') ? t.content.slice(0, -1) : t.content;
    this.current().push(
      language ? { type: 'code_block', language, text } : { type: 'code_block', text },
    );
  }

  rule(): void {
    this.current().push({ type: 'rule' });
  }

  openQuote(): void {
    const quote: Block = { type: 'quote', children: [] };
    this.current().push(quote);
    this.containers.push(quote.children);
  }

  openList(t: Token): void {
    const list: ListBlock = { type: 'list', ordered: t.type === 'ordered_list_open', items: [] };
    const start = Number(t.attrGet('start') ?? '1');
    if (list.ordered && Number.isSafeInteger(start) && start !== 1) list.start = start;
    this.current().push(list);
    this.lists.push(list);
  }

  openListItem(): void {
    const item: Block[] = [];
    this.lists[this.lists.length - 1]?.items.push(item);
    this.containers.push(item);
  }

  /** The end of a quote or list item. */
  closeContainer(): void {
    if (this.containers.length > 1) this.containers.pop();
  }

  closeList(): void {
    this.lists.pop();
  }

  openTable(): void {
    this.table = [];
  }

  openRow(): void {
    this.row = [];
  }

  /** A header or data cell from its opening token and the inline token after it. */
  cell(open: Token, inline: Token | undefined): void {
    let cell = inline?.type === 'inline' ? this.inlines(inline.children ?? []) : [];
    if (open.type === 'th_open' && cell.length > 0) cell = [{ type: 'bold', children: cell }];
    this.row?.push(cell);
  }

  closeRow(): void {
    if (this.row && this.table) this.table.push(this.row);
    this.row = undefined;
  }

  closeTable(): void {
    const paragraph = tableParagraph(this.table ?? []);
    if (paragraph) this.current().push(paragraph);
    this.table = undefined;
  }
}
