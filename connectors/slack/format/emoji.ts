/**
 * Slack emoji names ⇄ Unicode (Matrix reaction keys): the emoji-datasource (iamcal) short
 * names Slack uses, a few aliases of its own, skin tones as a `::skin-tone-N` suffix
 * (2 = light … 6 = dark).
 */
import { createEmojiNames, ReactionNames } from '../../../src/connector/index.js';

export const slackEmoji = createEmojiNames({
  names: 'iamcal',
  // Names the bridge understood from Slack before it used the dataset.
  alsoUnderstood: ['github'],
  extraNames: { simple_smile: '🙂', thumbsup_all: '👍' },
  skinTones: 'colons',
});

/** Custom emoji names as Slack allows them, with a skin tone on standard ones. */
const CUSTOM_NAME = /^[a-z0-9_+'-]{1,100}(?:::skin-tone-[2-6])?$/;

export const slackReactions = new ReactionNames({
  platform: 'Slack',
  emoji: slackEmoji,
  customName: CUSTOM_NAME,
});

/** Slack's `unicode` field of emoji elements (`1f44d-1f3fb`) as text. */
export function codepointsToText(hex: string | undefined): string | undefined {
  if (!hex || !/^[0-9a-f]{2,6}(-[0-9a-f]{2,6})*$/i.test(hex)) return undefined;
  try {
    return String.fromCodePoint(...hex.split('-').map((h) => parseInt(h, 16)));
  } catch {
    return undefined;
  }
}
