/**
 * Rocket.Chat emoji shortnames ⇄ Unicode (Matrix reaction keys).
 *
 * Rocket.Chat names emoji after JoyPixels (`:thumbsup:`, `:slight_smile:`, `:thumbsup_tone1:`),
 * so those are the names the bridge sends, and reactions look native to Rocket.Chat users.
 * The emoji-datasource and GitHub names (`:+1:`, `:slightly_smiling_face:`) are understood too.
 */
import { createEmojiNames, ReactionNames } from '../../../src/connector/index.js';

export const rocketEmoji = createEmojiNames({
  names: 'joypixels',
  alsoUnderstood: ['iamcal', 'github'],
  skinTones: 'shortcodes',
});

/** Custom emoji names as Rocket.Chat allows them. */
const CUSTOM_NAME = /^[a-z0-9_+-]{1,64}$/;

export const rocketReactions = new ReactionNames({
  platform: 'Rocket.Chat',
  emoji: rocketEmoji,
  customName: CUSTOM_NAME,
});

const NAME = /^:?([a-z0-9_+-]{1,64}):?$/i;

/** `thumbsup`, `:thumbsup:`, `+1` → 👍; unknown (custom emoji) → undefined. */
export function rocketEmojiToUnicode(name: string): string | undefined {
  const m = NAME.exec(name.trim());
  return m ? rocketEmoji.toUnicode(m[1]!) : undefined;
}

/** A Matrix reaction key as a Rocket.Chat reaction (`:name:`); throws ReactionUnavailableError. */
export const matrixKeyToReaction = (key: string): string => `:${rocketReactions.toName(key)}:`;

/** Like matrixKeyToReaction; undefined (nothing to remove) when Rocket.Chat has no name for it. */
export function findReaction(key: string): string | undefined {
  const name = rocketReactions.find(key);
  return name === undefined ? undefined : `:${name}:`;
}
