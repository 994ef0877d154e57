import { EMOJI_TABLE } from '../../connectors/mattermost/format/emoji-data.js';

// Slack's standard emoji names are the emoji-datasource short names, which the Mattermost
// table also follows; Slack adds a few aliases of its own.
const STANDARD = new Set<string>(EMOJI_TABLE.flatMap(([, ...names]) => names));
for (const alias of ['thumbsup', 'thumbsdown', 'simple_smile', 'white_check_mark'])
  STANDARD.add(alias);

/** Whether `name` (without colons) is a reaction Slack accepts: standard, custom, skin tone. */
export function isKnownEmoji(name: string, custom: ReadonlySet<string>): boolean {
  const m = /^([a-z0-9_+'-]{1,100})(?:::skin-tone-([2-6]))?$/.exec(name);
  if (!m) return false;
  return STANDARD.has(m[1]!) || (m[2] === undefined && custom.has(m[1]!));
}
