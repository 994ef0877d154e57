import { createEmojiNames } from '../../src/connector/index.js';

// Slack's standard emoji are the emoji-datasource (iamcal) short names, with a skin tone as
// `::skin-tone-N`, plus a few aliases of its own. Built here from the dataset itself, not the
// connector's table, so the simulator checks the names the connector sends.
const STANDARD = createEmojiNames({
  names: 'iamcal',
  extraNames: { simple_smile: '🙂', thumbsup_all: '👍' },
  skinTones: 'colons',
});

/** Whether `name` (without colons) is a reaction Slack accepts: standard, custom, skin tone. */
export function isKnownEmoji(name: string, custom: ReadonlySet<string>): boolean {
  if (!/^[a-z0-9_+'-]{1,100}(?:::skin-tone-[2-6](?:-[2-6])?)?$/.test(name)) return false;
  return STANDARD.toUnicode(name) !== undefined || custom.has(name);
}
