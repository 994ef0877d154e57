export { parseMattermostMarkdown, extractMentionCandidates } from './parse.js';
export type { ParseMattermostOptions } from './parse.js';
export { renderMattermostMarkdown, escapeText as escapeMattermostText } from './render.js';
export type { RenderMattermostOptions } from './render.js';
export { mattermostEmoji, mattermostReactions } from './emoji.js';
