/**
 * The common message model: what every side of a portal converts to and from.
 * Formatting is a small AST so no side ever parses another side's markup.
 */

/** Who a mention points at. The core rewrites targets per destination side. */
export type MentionTarget =
  | { kind: 'matrix'; userId: string }
  | { kind: 'remote'; connector: string; workspace: string; userId: string };

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike' | 'underline'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] }
  /** A user mention; `text` is the name shown when the target cannot be rendered natively. */
  | { type: 'mention'; target: MentionTarget; text: string }
  /** @room on Matrix, @channel/@all/@here on platforms. */
  | { type: 'room_mention' }
  | { type: 'linebreak' };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'code_block'; language?: string; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start?: number; items: Block[][] }
  | { type: 'rule' };

export interface FormattedText {
  blocks: Block[];
}

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

export interface AttachmentInfo {
  kind: AttachmentKind;
  name: string;
  mimetype?: string;
  size?: number;
  width?: number;
  height?: number;
}

/** An attachment as received from a remote platform: the connector can download it by `fileId`. */
export interface RemoteAttachment extends AttachmentInfo {
  fileId: string;
  /**
   * Set when the connector will not fetch this file (it does not come from the platform's
   * own file endpoint): the core bridges the message with a note saying why, never the file.
   */
  refused?: string;
}

/** An attachment ready to send: the core has fetched the bytes (bounded by config). */
export interface OutgoingAttachment extends AttachmentInfo {
  data: Buffer;
}

export interface MessageContent<A> {
  text: FormattedText;
  attachments: A[];
  /** m.emote on Matrix; `/me` style where a platform has it. */
  emote?: boolean;
  /** m.notice on Matrix; bot/system messages on platforms. */
  notice?: boolean;
}

export type InboundContent = MessageContent<RemoteAttachment>;
export type OutboundContent = MessageContent<OutgoingAttachment>;

export const emptyText = (): FormattedText => ({ blocks: [] });

export function plainText(text: string): FormattedText {
  if (text === '') return emptyText();
  return {
    blocks: text.split(/\n{2,}/).map((para) => ({
      type: 'paragraph',
      children: para
        .split('\n')
        .flatMap((line, i): Inline[] =>
          i === 0
            ? [{ type: 'text', text: line }]
            : [{ type: 'linebreak' }, { type: 'text', text: line }],
        ),
    })),
  };
}

export function isEmptyText(text: FormattedText): boolean {
  return text.blocks.length === 0;
}
