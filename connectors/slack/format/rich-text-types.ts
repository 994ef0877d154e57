/** The `rich_text` block Slack clients send (and accept): the parts a bridge needs. */

export interface RichStyle {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
}

export type RichInline =
  | { type: 'text'; text: string; style?: RichStyle }
  | { type: 'link'; url: string; text?: string; style?: RichStyle }
  | { type: 'user'; user_id: string; style?: RichStyle }
  | { type: 'usergroup'; usergroup_id: string }
  | { type: 'channel'; channel_id: string }
  | { type: 'broadcast'; range: 'here' | 'channel' | 'everyone' }
  | { type: 'emoji'; name: string; unicode?: string; skin_tone?: number }
  | { type: 'date'; timestamp: number; format?: string; fallback?: string }
  | { type: 'color'; value: string }
  | { type: 'team'; team_id: string };

export interface RichSection {
  type: 'rich_text_section';
  elements: RichInline[];
}

export interface RichList {
  type: 'rich_text_list';
  style: 'bullet' | 'ordered';
  indent?: number;
  offset?: number;
  border?: number;
  elements: RichSection[];
}

export interface RichPreformatted {
  type: 'rich_text_preformatted';
  elements: RichInline[];
  border?: number;
}

export interface RichQuote {
  type: 'rich_text_quote';
  elements: RichInline[];
  border?: number;
}

export type RichElement = RichSection | RichList | RichPreformatted | RichQuote;

export interface RichTextBlock {
  type: 'rich_text';
  block_id?: string;
  elements: RichElement[];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The rich_text blocks of a message's `blocks`, ignoring everything else. */
export function richTextBlocks(blocks: unknown): RichTextBlock[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.filter(
    (b): b is RichTextBlock => isObject(b) && b.type === 'rich_text' && Array.isArray(b.elements),
  );
}
