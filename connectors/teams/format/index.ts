export { parseTeamsHtml } from './parse.js';
export type { AtTag, MentionResolution, ParsedTeamsHtml } from './parse.js';
export { renderTeamsHtml, mentionEntities, graphMentions } from './render.js';
export type { RenderTeamsOptions, RenderedTeams, RenderedMention, TeamsUser } from './render.js';
export { splitFormatted } from './split.js';
export type { Measure } from './split.js';
export { teamsReactionToKey, keyToTeamsReaction } from './emoji.js';
