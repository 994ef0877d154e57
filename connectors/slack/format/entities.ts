import { type Inline, plainLabel } from '../../../src/connector/index.js';

/**
 * Slack's three control characters. In message text `&`, `<` and `>` must be sent as
 * entities (a literal `<` would start a mention or link); Slack sends them back the same way.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function unescapeMrkdwn(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_m, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : '&',
  );
}

/** Link targets Slack and Matrix clients may open. */
export const SAFE_LINK = /^(https?|ftp|mailto|tel):/i;

/** A link's label as Slack shows it in plain text: mentions by name, a room mention as `@channel`. */
export const plainLinkLabel = (inlines: readonly Inline[]): string =>
  plainLabel(inlines, (n) =>
    n.type === 'mention' ? n.text : n.type === 'room_mention' ? '@channel' : ' ',
  );
