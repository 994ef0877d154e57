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
