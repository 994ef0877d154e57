export { parseMrkdwn } from './mrkdwn-parse.js';
export { renderMrkdwn } from './mrkdwn-render.js';
export { parseRichText } from './rich-text-parse.js';
export { renderRichText } from './rich-text-render.js';
export { richTextBlocks } from './rich-text-types.js';
export type { RichTextBlock } from './rich-text-types.js';
export { escapeMrkdwn, unescapeMrkdwn } from './entities.js';
export {
  slackEmojiToUnicode,
  slackReactionToKey,
  keyToSlackReaction,
  codepointsToText,
  slackReactions,
} from './emoji.js';
export { idsInMrkdwn } from './mentions.js';
export type { MentionResolver, SlackUserFor } from './mentions.js';
