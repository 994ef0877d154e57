/**
 * Mattermost's emoji names: the emoji-datasource (iamcal) short names, plus the GitHub names
 * it also accepts (`:thinking:`, `:hugs:`); skin tones as a `_light_skin_tone` suffix.
 */
import { createEmojiNames, ReactionNames } from '../../../src/connector/index.js';

export const mattermostEmoji = createEmojiNames({
  names: 'iamcal',
  alsoUnderstood: ['github'],
  skinTones: 'words',
});

/** Custom emoji names as Mattermost allows them (and as its API path can carry them). */
const CUSTOM_NAME = /^[a-z0-9_+-]{1,64}$/;

export const mattermostReactions = new ReactionNames({
  platform: 'Mattermost',
  emoji: mattermostEmoji,
  customName: CUSTOM_NAME,
});

/** `thumbsup` / `+1` / `:+1:` / `+1_dark_skin_tone` → 👍 (👍🏿). Unknown (e.g. custom emoji) → undefined. */
export const emojiNameToUnicode = (name: string): string | undefined =>
  mattermostEmoji.toUnicode(name);

/** 👍 / 👍️ → `+1`; 👍🏽 → `+1_medium_skin_tone`. No name → undefined. */
export const unicodeToEmojiName = (emoji: string): string | undefined =>
  mattermostEmoji.toName(emoji);

/** A Mattermost reaction name as a Matrix reaction key: the emoji, or `:name:` when unknown. */
export const mattermostReactionToMatrixKey = (name: string): string =>
  mattermostReactions.toKey(name);

/** A Matrix reaction key as a Mattermost reaction name; throws ReactionUnavailableError. */
export const matrixKeyToMattermostReaction = (key: string): string =>
  mattermostReactions.toName(key);

/** Like matrixKeyToMattermostReaction; undefined (nothing to remove) when it has no name. */
export const findMattermostReaction = (key: string): string | undefined =>
  mattermostReactions.find(key);
