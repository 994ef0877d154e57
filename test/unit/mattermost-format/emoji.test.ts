import { describe, expect, it } from 'vitest';
import {
  emojiNameToUnicode,
  findMattermostReaction,
  matrixKeyToMattermostReaction,
  mattermostReactionToMatrixKey,
  unicodeToEmojiName,
} from '../../../connectors/mattermost/format/index.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';

// The full dataset round trip and counts: test/unit/emoji/flavours.test.ts.
describe('Mattermost emoji names', () => {
  it('maps common names and aliases to Unicode', () => {
    const cases: [string, string][] = [
      ['+1', '👍'],
      ['thumbsup', '👍'],
      ['-1', '👎'],
      ['heart', '\u2764\uFE0F'],
      ['smile', '😄'],
      ['joy', '😂'],
      ['tada', '🎉'],
      ['eyes', '👀'],
      ['white_check_mark', '✅'],
      ['x', '❌'],
      ['ok_hand', '👌'],
      ['thinking_face', '🤔'],
      [':thinking:', '🤔'],
      ['melting_face', '🫠'],
    ];
    for (const [name, emoji] of cases) expect(emojiNameToUnicode(name), name).toBe(emoji);
  });

  it('maps Unicode to the name Mattermost stores, with or without U+FE0F', () => {
    expect(unicodeToEmojiName('👍')).toBe('+1');
    expect(unicodeToEmojiName('👍\uFE0F')).toBe('+1');
    expect(unicodeToEmojiName('\u2764')).toBe('heart');
    expect(unicodeToEmojiName('\u2764\uFE0F')).toBe('heart');
    expect(unicodeToEmojiName('1\u20E3')).toBe('one');
    expect(unicodeToEmojiName('🥹')).toBe('face_holding_back_tears');
  });

  it('carries skin tones as name suffixes', () => {
    expect(unicodeToEmojiName('👍🏽')).toBe('+1_medium_skin_tone');
    expect(emojiNameToUnicode('+1_dark_skin_tone')).toBe('👍🏿');
    expect(emojiNameToUnicode('thumbsup_dark_skin_tone')).toBe('👍🏿');
    expect(emojiNameToUnicode('v_light_skin_tone')).toBe('✌🏻');
    expect(emojiNameToUnicode('wave_medium_light_skin_tone')).toBe('👋🏼');
    expect(emojiNameToUnicode('custom_light_skin_tone')).toBeUndefined();
  });

  it('carries custom emoji as :name:, and refuses keys Mattermost cannot show', () => {
    expect(mattermostReactionToMatrixKey('party_parrot')).toBe(':party_parrot:');
    expect(mattermostReactionToMatrixKey('tada')).toBe('🎉');
    expect(matrixKeyToMattermostReaction(':party_parrot:')).toBe('party_parrot');
    expect(matrixKeyToMattermostReaction('🎉')).toBe('tada');
    expect(matrixKeyToMattermostReaction(':thumbsup:')).toBe('+1');
    expect(() => matrixKeyToMattermostReaction('totally custom')).toThrow(ReactionUnavailableError);
    expect(findMattermostReaction('totally custom')).toBeUndefined();
    expect(findMattermostReaction('🫡')).toBe('saluting_face');
  });
});
