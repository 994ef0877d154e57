import { describe, expect, it } from 'vitest';
import {
  codepointsToText,
  keyToSlackReaction,
  slackEmojiToUnicode,
  slackReactionToKey,
} from '../../../connectors/slack/format/index.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';

// The full dataset round trip and counts: test/unit/emoji/flavours.test.ts.
describe('Slack emoji names ⇄ unicode', () => {
  it('maps standard names and aliases both ways', () => {
    expect(slackEmojiToUnicode('+1')).toBe('👍');
    expect(slackEmojiToUnicode('thumbsup')).toBe('👍');
    expect(slackEmojiToUnicode(':tada:')).toBe('🎉');
    expect(slackEmojiToUnicode('simple_smile')).toBe('🙂');
    expect(slackEmojiToUnicode('thumbsup_all')).toBe('👍');
    expect(slackEmojiToUnicode('saluting_face')).toBe('🫡');
    expect(keyToSlackReaction('👍')).toBe('+1');
    expect(keyToSlackReaction('👍\uFE0F')).toBe('+1');
    expect(keyToSlackReaction('❤️')).toBe('heart');
    expect(keyToSlackReaction('❤')).toBe('heart');
    expect(keyToSlackReaction('🤌')).toBe('pinched_fingers');
  });

  it('carries skin tones as ::skin-tone-N', () => {
    expect(slackEmojiToUnicode('wave::skin-tone-2')).toBe('👋🏻');
    expect(slackEmojiToUnicode('+1::skin-tone-6')).toBe('👍🏿');
    expect(slackEmojiToUnicode('thumbsup::skin-tone-6')).toBe('👍🏿');
    expect(keyToSlackReaction('👋🏽')).toBe('wave::skin-tone-4');
    expect(slackReactionToKey(keyToSlackReaction('👍🏾'))).toBe('👍🏾');
    expect(keyToSlackReaction('🫱🏻\u200D🫲🏿')).toBe('handshake::skin-tone-2-6');
  });

  it('keeps custom emoji as :name: and refuses what Slack cannot name', () => {
    expect(slackReactionToKey('partyparrot')).toBe(':partyparrot:');
    expect(keyToSlackReaction(':partyparrot:')).toBe('partyparrot');
    expect(keyToSlackReaction(':Party-Parrot:')).toBe('party-parrot');
    // Another platform's name for a standard emoji is sent under Slack's.
    expect(keyToSlackReaction(':thinking:')).toBe('thinking_face');
    expect(() => keyToSlackReaction('not an emoji')).toThrow(ReactionUnavailableError);
    expect(() => keyToSlackReaction(':a b:')).toThrow(ReactionUnavailableError);
    expect(slackEmojiToUnicode('no such name')).toBeUndefined();
  });

  it('reads the unicode field of rich_text emoji elements', () => {
    expect(codepointsToText('1f44d-1f3fb')).toBe('👍🏻');
    expect(codepointsToText('zz')).toBeUndefined();
    expect(codepointsToText('110000')).toBeUndefined();
  });
});
