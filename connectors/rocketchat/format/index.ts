export { parseRocketMarkdown, extractMentionNames } from './parse.js';
export type { ParseRocketOptions } from './parse.js';
export { renderRocketMarkdown, escapeText as escapeRocketText } from './render.js';
export type { RenderRocketOptions } from './render.js';
export {
  rocketEmojiToUnicode,
  matrixKeyToReaction,
  findReaction,
  rocketEmoji,
  rocketReactions,
} from './emoji.js';
