import { describe, expect, it } from 'vitest';
import {
  mattermostEmoji,
  mattermostReactions,
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
    for (const [name, emoji] of cases) expect(mattermostEmoji.toUnicode(name), name).toBe(emoji);
  });

  it('maps Unicode to the name Mattermost stores, with or without U+FE0F', () => {
    expect(mattermostEmoji.toName('👍')).toBe('+1');
    expect(mattermostEmoji.toName('👍\uFE0F')).toBe('+1');
    expect(mattermostEmoji.toName('\u2764')).toBe('heart');
    expect(mattermostEmoji.toName('\u2764\uFE0F')).toBe('heart');
    expect(mattermostEmoji.toName('1\u20E3')).toBe('one');
    expect(mattermostEmoji.toName('🥹')).toBe('face_holding_back_tears');
  });

  it('carries skin tones as name suffixes', () => {
    expect(mattermostEmoji.toName('👍🏽')).toBe('+1_medium_skin_tone');
    expect(mattermostEmoji.toUnicode('+1_dark_skin_tone')).toBe('👍🏿');
    expect(mattermostEmoji.toUnicode('thumbsup_dark_skin_tone')).toBe('👍🏿');
    expect(mattermostEmoji.toUnicode('v_light_skin_tone')).toBe('✌🏻');
    expect(mattermostEmoji.toUnicode('wave_medium_light_skin_tone')).toBe('👋🏼');
    expect(mattermostEmoji.toUnicode('custom_light_skin_tone')).toBeUndefined();
  });

  it('carries custom emoji as :name:, and refuses keys Mattermost cannot show', () => {
    expect(mattermostReactions.toKey('party_parrot')).toBe(':party_parrot:');
    expect(mattermostReactions.toKey('tada')).toBe('🎉');
    expect(mattermostReactions.toName(':party_parrot:')).toBe('party_parrot');
    expect(mattermostReactions.toName('🎉')).toBe('tada');
    expect(mattermostReactions.toName(':thumbsup:')).toBe('+1');
    expect(() => mattermostReactions.toName('totally custom')).toThrow(ReactionUnavailableError);
    expect(mattermostReactions.find('totally custom')).toBeUndefined();
    expect(mattermostReactions.find('🫡')).toBe('saluting_face');
  });
});
