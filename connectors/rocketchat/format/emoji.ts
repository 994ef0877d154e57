/**
 * Rocket.Chat emoji shortnames ⇄ Unicode (Matrix reaction keys).
 *
 * Rocket.Chat names emoji after JoyPixels (`:thumbsup:`, `:slight_smile:`); Mattermost's
 * table (the emoji-datasource names, shared data in connectors/mattermost/format) covers most
 * of them, and the rows below add the JoyPixels names that differ. Where a row here exists,
 * its first name is what the bridge sends, so reactions look native to Rocket.Chat users.
 */
// eslint-disable-next-line import-x/no-restricted-paths -- until the core emoji module (issue 13, emoji part) replaces it
import { emojiNameToUnicode, unicodeToEmojiName } from '../../mattermost/format/emoji.js';

/** [emoji, JoyPixels name used by Rocket.Chat, ...other JoyPixels aliases]. */
const JOYPIXELS_NAMES: readonly (readonly [string, string, ...string[]])[] = [
  ['👍', 'thumbsup', '+1', 'thumbup'],
  ['👎', 'thumbsdown', '-1', 'thumbdown'],
  ['🙂', 'slight_smile', 'slightly_smiling_face'],
  ['🙁', 'slight_frown', 'slightly_frowning_face'],
  ['🙃', 'upside_down', 'upside_down_face'],
  ['🤗', 'hugging', 'hugging_face'],
  ['🤔', 'thinking', 'thinking_face'],
  ['🤐', 'zipper_mouth', 'zipper_mouth_face'],
  ['🙄', 'rolling_eyes', 'face_with_rolling_eyes'],
  ['🤓', 'nerd', 'nerd_face'],
  ['🤖', 'robot', 'robot_face'],
  ['🤑', 'money_mouth', 'money_mouth_face'],
  ['🤒', 'thermometer_face', 'face_with_thermometer'],
  ['🤕', 'head_bandage', 'face_with_head_bandage'],
  ['🤣', 'rofl', 'rolling_on_the_floor_laughing'],
  ['🤷', 'person_shrugging', 'shrug'],
  ['🤦', 'person_facepalming', 'face_palm', 'facepalm'],
];

const VS16 = /\uFE0F/g;
const byName = new Map<string, string>();
const byUnicode = new Map<string, string>();
for (const [emoji, ...names] of JOYPIXELS_NAMES) {
  byUnicode.set(emoji.replace(VS16, ''), names[0]!);
  for (const name of names) byName.set(name, emoji);
}

const NAME = /^:?([a-z0-9_+-]{1,64}):?$/i;

/** `thumbsup`, `:thumbsup:`, `+1` → 👍; unknown (custom emoji) → undefined. */
export function rocketEmojiToUnicode(name: string): string | undefined {
  const m = NAME.exec(name.trim());
  if (!m) return undefined;
  const n = m[1]!.toLowerCase();
  return byName.get(n) ?? emojiNameToUnicode(n);
}

/** 👍 → `thumbsup`; no mapping → undefined. */
export function unicodeToRocketEmoji(key: string): string | undefined {
  const k = key.replace(VS16, '');
  return byUnicode.get(k) ?? unicodeToEmojiName(k);
}

/** A Rocket.Chat reaction (`:name:`) as a Matrix reaction key: the emoji, or `:name:` when unknown. */
export function reactionToMatrixKey(reaction: string): string {
  const bare = reaction.trim().replace(/^:|:$/g, '').toLowerCase();
  return rocketEmojiToUnicode(bare) ?? `:${bare}:`;
}

/** A Matrix reaction key as a Rocket.Chat reaction name (`:name:`); undefined when it has none. */
export function matrixKeyToReaction(key: string): string | undefined {
  const name = unicodeToRocketEmoji(key);
  if (name !== undefined) return `:${name}:`;
  const m = /^:([a-z0-9_+-]{1,64}):$/i.exec(key.trim());
  return m ? `:${m[1]!.toLowerCase()}:` : undefined;
}
