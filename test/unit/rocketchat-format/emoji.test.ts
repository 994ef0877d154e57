import { describe, expect, it } from 'vitest';
import {
  matrixKeyToReaction,
  reactionToMatrixKey,
  rocketEmojiToUnicode,
  unicodeToRocketEmoji,
} from '../../../connectors/rocketchat/format/index.js';

describe('Rocket.Chat emoji names', () => {
  it('maps JoyPixels names Rocket.Chat uses, and the shared emoji-datasource names', () => {
    expect(rocketEmojiToUnicode('thumbsup')).toBe('👍');
    expect(rocketEmojiToUnicode(':+1:')).toBe('👍');
    expect(rocketEmojiToUnicode('slight_smile')).toBe('🙂');
    expect(rocketEmojiToUnicode('slightly_smiling_face')).toBe('🙂');
    expect(rocketEmojiToUnicode('heart')).toBe('❤️');
    expect(rocketEmojiToUnicode('tada')).toBe('🎉');
    expect(rocketEmojiToUnicode('not_an_emoji_at_all')).toBeUndefined();
    expect(rocketEmojiToUnicode('bad name!')).toBeUndefined();
  });

  it('prefers the Rocket.Chat name when sending', () => {
    expect(unicodeToRocketEmoji('👍')).toBe('thumbsup');
    expect(unicodeToRocketEmoji('🙂')).toBe('slight_smile');
    expect(unicodeToRocketEmoji('🤔')).toBe('thinking');
    expect(unicodeToRocketEmoji('🎉')).toBe('tada');
    // With or without the emoji presentation selector.
    expect(unicodeToRocketEmoji('❤')).toBe('heart');
    expect(unicodeToRocketEmoji('❤️')).toBe('heart');
  });

  it('turns reactions into Matrix keys and back', () => {
    expect(reactionToMatrixKey(':thumbsup:')).toBe('👍');
    expect(reactionToMatrixKey(':company_logo:')).toBe(':company_logo:');
    expect(matrixKeyToReaction('👍')).toBe(':thumbsup:');
    expect(matrixKeyToReaction(':company_logo:')).toBe(':company_logo:');
    expect(matrixKeyToReaction('not an emoji')).toBeUndefined();
  });
});
