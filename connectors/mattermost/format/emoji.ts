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
