import {
  type Block,
  type FormattedText,
  type Inline,
  isOwnMention,
  type MentionTarget,
  type OutboundMessage,
  splitText,
} from '../../src/connector/index.js';
import {
  renderMrkdwn,
  renderRichText,
  type RichTextBlock,
  type SlackUserFor,
} from './format/index.js';
import { CONNECTOR_ID, toSlackUser } from './ids.js';

/** Slack truncates longer texts; 4,000 characters is its recommended maximum per message. */
export const MAX_TEXT = 4000;
/** Beyond this the rich_text copy is left out (Slack limits block text size). */
const MAX_BLOCK_TEXT = 3000;

export interface RenderedText {
  /** mrkdwn: what notifications and older clients show. */
  text: string;
  /** rich_text: what Slack clients show; absent for long messages. */
  blocks?: RichTextBlock[];
}

/** Mentions of people in this Slack workspace become `<@U…>`; everyone else is named. */
export function slackUserFor(workspace: string): SlackUserFor {
  const own = isOwnMention(CONNECTOR_ID, workspace);
  return (t: MentionTarget) => (own(t) ? toSlackUser(t.userId) : undefined);
}

/**
 * The message text with the sender in front (`*Maria*: …`) when Slack cannot show the sender
 * as the author, and emotes in italics.
 */
export function decorate(message: OutboundMessage, attribute: boolean): FormattedText {
  let blocks: Block[] = message.content.text.blocks;
  const name = message.sender.displayName;
  if (message.content.emote) {
    const [first, ...rest] = blocks;
    const head: Inline[] = first?.type === 'paragraph' ? first.children : [];
    const lead: Inline[] = attribute ? [{ type: 'text', text: `${name} ` }] : [];
    blocks = [
      { type: 'paragraph', children: [{ type: 'italic', children: [...lead, ...head] }] },
      ...(first?.type === 'paragraph' ? rest : blocks),
    ];
  } else if (attribute) {
    const prefix: Inline[] = [{ type: 'bold', children: [{ type: 'text', text: name }] }];
    const [first, ...rest] = blocks;
    if (first?.type === 'paragraph') {
      blocks = [
        {
          type: 'paragraph',
          children: [...prefix, { type: 'text', text: ': ' }, ...first.children],
        },
        ...rest,
      ];
    } else {
      blocks = [
        { type: 'paragraph', children: [...prefix, { type: 'text', text: ':' }] },
        ...blocks,
      ];
    }
  }
  return { blocks };
}

/** One or more Slack messages for a text: rich_text plus mrkdwn, or mrkdwn chunks when long. */
export function renderParts(text: FormattedText, workspace: string): RenderedText[] {
  if (text.blocks.length === 0) return [];
  const userFor = slackUserFor(workspace);
  const mrkdwn = renderMrkdwn(text, userFor);
  if (mrkdwn === '') return [];
  if (mrkdwn.length <= MAX_BLOCK_TEXT)
    return [{ text: mrkdwn, blocks: [renderRichText(text, userFor)] }];
  return splitText(mrkdwn, MAX_TEXT).map((chunk) => ({ text: chunk }));
}

/** The text of an edit: a message can only be replaced by one message. */
export function renderEdit(text: FormattedText, workspace: string): RenderedText {
  const parts = renderParts(text, workspace);
  if (parts.length === 1) return parts[0]!;
  const mrkdwn = renderMrkdwn(text, slackUserFor(workspace));
  return { text: mrkdwn.slice(0, MAX_TEXT) || ' ' };
}

/** The comment on a file upload (file messages cannot carry another name, so it is named). */
export function fileComment(message: OutboundMessage, workspace: string): string {
  const decorated = decorate({ ...message, content: { ...message.content, emote: false } }, true);
  return renderMrkdwn(decorated, slackUserFor(workspace)).slice(0, MAX_TEXT);
}
