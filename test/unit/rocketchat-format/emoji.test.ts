import { describe, expect, it } from 'vitest';
import {
  findReaction,
  matrixKeyToReaction,
  rocketEmojiToUnicode,
  rocketEmoji,
  rocketReactions,
} from '../../../connectors/rocketchat/format/index.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';

// The full dataset round trip and counts: test/unit/emoji/flavours.test.ts.
describe('Rocket.Chat emoji names', () => {
  it('maps JoyPixels names Rocket.Chat uses, and the emoji-datasource names', () => {
    expect(rocketEmojiToUnicode('thumbsup')).toBe('👍');
    expect(rocketEmojiToUnicode(':+1:')).toBe('👍');
    expect(rocketEmojiToUnicode('slight_smile')).toBe('🙂');
    expect(rocketEmojiToUnicode('slightly_smiling_face')).toBe('🙂');
    expect(rocketEmojiToUnicode('heart')).toBe('❤️');
    expect(rocketEmojiToUnicode('tada')).toBe('🎉');
    expect(rocketEmojiToUnicode('thumbsup_tone2')).toBe('👍🏼');
    expect(rocketEmojiToUnicode('not_an_emoji_at_all')).toBeUndefined();
    expect(rocketEmojiToUnicode('bad name!')).toBeUndefined();
  });

  it('prefers the Rocket.Chat name when sending', () => {
    expect(rocketEmoji.toName('👍')).toBe('thumbsup');
    expect(rocketEmoji.toName('🙂')).toBe('slight_smile');
    expect(rocketEmoji.toName('🤔')).toBe('thinking');
    expect(rocketEmoji.toName('🎉')).toBe('tada');
    expect(rocketEmoji.toName('🥹')).toBe('face_holding_back_tears');
    // With or without the emoji presentation selector.
    expect(rocketEmoji.toName('❤')).toBe('heart');
    expect(rocketEmoji.toName('❤️')).toBe('heart');
  });

  it('turns reactions into Matrix keys and back', () => {
    expect(rocketReactions.toKey(':thumbsup:')).toBe('👍');
    expect(rocketReactions.toKey(':company_logo:')).toBe(':company_logo:');
    expect(matrixKeyToReaction('👍')).toBe(':thumbsup:');
    expect(matrixKeyToReaction('👍🏿')).toBe(':thumbsup_tone5:');
    expect(matrixKeyToReaction(':company_logo:')).toBe(':company_logo:');
    expect(matrixKeyToReaction(':+1:')).toBe(':thumbsup:');
    expect(() => matrixKeyToReaction('not an emoji')).toThrow(ReactionUnavailableError);
    expect(findReaction('not an emoji')).toBeUndefined();
  });
});
