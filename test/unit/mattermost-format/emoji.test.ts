import { describe, expect, it } from 'vitest';
import {
  emojiNameToUnicode,
  matrixKeyToMattermostReaction,
  mattermostReactionToMatrixKey,
  unicodeToEmojiName,
} from '../../../connectors/mattermost/format/index.js';
import { EMOJI_TABLE } from '../../../connectors/mattermost/format/emoji-data.js';

describe('emoji mapping', () => {
  it('maps common names to Unicode', () => {
    expect(emojiNameToUnicode('+1')).toBe('👍');
    expect(emojiNameToUnicode('thumbsup')).toBe('👍');
    expect(emojiNameToUnicode('-1')).toBe('👎');
    expect(emojiNameToUnicode('heart')).toBe('\u2764\uFE0F');
    expect(emojiNameToUnicode('smile')).toBe('😄');
    expect(emojiNameToUnicode('joy')).toBe('😂');
    expect(emojiNameToUnicode('tada')).toBe('🎉');
    expect(emojiNameToUnicode('eyes')).toBe('👀');
    expect(emojiNameToUnicode('white_check_mark')).toBe('✅');
    expect(emojiNameToUnicode('x')).toBe('❌');
    expect(emojiNameToUnicode('rocket')).toBe('🚀');
    expect(emojiNameToUnicode('fire')).toBe('🔥');
    expect(emojiNameToUnicode('pray')).toBe('🙏');
    expect(emojiNameToUnicode('clap')).toBe('👏');
    expect(emojiNameToUnicode('ok_hand')).toBe('👌');
    expect(emojiNameToUnicode('thinking_face')).toBe('🤔');
    expect(emojiNameToUnicode(':thinking:')).toBe('🤔');
  });

  it('maps Unicode to the primary Mattermost name', () => {
    expect(unicodeToEmojiName('👍')).toBe('+1');
    expect(unicodeToEmojiName('👎')).toBe('-1');
    expect(unicodeToEmojiName('😂')).toBe('joy');
    expect(unicodeToEmojiName('🤔')).toBe('thinking_face');
  });

  it('ignores U+FE0F when matching', () => {
    expect(unicodeToEmojiName('\u2764\uFE0F')).toBe('heart');
    expect(unicodeToEmojiName('\u2764')).toBe('heart');
    expect(unicodeToEmojiName('👍\uFE0F')).toBe('+1');
    expect(unicodeToEmojiName('1\u20E3')).toBe('one');
  });

  it('carries skin tones as Mattermost name suffixes', () => {
    expect(unicodeToEmojiName('👍🏽')).toBe('+1_medium_skin_tone');
    expect(unicodeToEmojiName('👍🏽', { ignoreSkinTone: true })).toBe('+1');
    expect(emojiNameToUnicode('+1_dark_skin_tone')).toBe('👍🏿');
    expect(emojiNameToUnicode('v_light_skin_tone')).toBe('✌🏻');
    expect(emojiNameToUnicode('custom_light_skin_tone')).toBeUndefined();
  });

  it('returns undefined for unknown emoji', () => {
    expect(emojiNameToUnicode('my_custom_emoji')).toBeUndefined();
    expect(unicodeToEmojiName('🫠🫠')).toBeUndefined();
    expect(unicodeToEmojiName('not an emoji')).toBeUndefined();
  });

  it('carries unmapped reactions as :name:', () => {
    expect(mattermostReactionToMatrixKey('party_parrot')).toBe(':party_parrot:');
    expect(mattermostReactionToMatrixKey('tada')).toBe('🎉');
    expect(matrixKeyToMattermostReaction(':party_parrot:')).toBe('party_parrot');
    expect(matrixKeyToMattermostReaction('🎉')).toBe('tada');
    expect(matrixKeyToMattermostReaction('totally custom')).toBeUndefined();
  });

  it('has a consistent table of at least 200 emoji that round-trips', () => {
    expect(EMOJI_TABLE.length).toBeGreaterThanOrEqual(200);
    const names = new Set<string>();
    const keys = new Set<string>();
    for (const [emoji, ...aliases] of EMOJI_TABLE) {
      const key = emoji.replace(/\uFE0F/g, '');
      expect(keys.has(key), `duplicate emoji ${emoji}`).toBe(false);
      keys.add(key);
      for (const n of aliases) {
        expect(n).toMatch(/^[a-z0-9_+-]+$/);
        expect(names.has(n), `duplicate name ${n}`).toBe(false);
        names.add(n);
        expect(emojiNameToUnicode(n)).toBe(emoji);
      }
      expect(unicodeToEmojiName(emoji)).toBe(aliases[0]);
    }
  });
});
