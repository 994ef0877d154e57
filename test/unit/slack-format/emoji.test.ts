import { describe, expect, it } from 'vitest';
import {
  codepointsToText,
  keyToSlackReaction,
  slackEmojiToUnicode,
  slackReactionToKey,
} from '../../../connectors/slack/format/index.js';

describe('Slack emoji names ⇄ unicode', () => {
  it('maps standard names and aliases both ways', () => {
    expect(slackEmojiToUnicode('+1')).toBe('👍');
    expect(slackEmojiToUnicode('thumbsup')).toBe('👍');
    expect(slackEmojiToUnicode(':tada:')).toBe('🎉');
    expect(slackEmojiToUnicode('simple_smile')).toBe('🙂');
    expect(keyToSlackReaction('👍')).toBe('+1');
    expect(keyToSlackReaction('❤️')).toBe('heart');
    expect(keyToSlackReaction('❤')).toBe('heart');
  });

  it('carries skin tones as ::skin-tone-N', () => {
    expect(slackEmojiToUnicode('wave::skin-tone-2')).toBe('👋🏻');
    expect(slackEmojiToUnicode('+1::skin-tone-6')).toBe('👍🏿');
    expect(keyToSlackReaction('👋🏽')).toBe('wave::skin-tone-4');
    expect(slackReactionToKey(keyToSlackReaction('👍🏾')!)).toBe('👍🏾');
  });

  it('keeps custom emoji as :name: and refuses what Slack cannot name', () => {
    expect(slackReactionToKey('partyparrot')).toBe(':partyparrot:');
    expect(keyToSlackReaction(':partyparrot:')).toBe('partyparrot');
    expect(keyToSlackReaction(':Party-Parrot:')).toBe('party-parrot');
    expect(keyToSlackReaction('not an emoji')).toBeUndefined();
    expect(keyToSlackReaction(':a b:')).toBeUndefined();
    expect(slackEmojiToUnicode('no such name')).toBeUndefined();
  });

  it('reads the unicode field of rich_text emoji elements', () => {
    expect(codepointsToText('1f44d-1f3fb')).toBe('👍🏻');
    expect(codepointsToText('zz')).toBeUndefined();
    expect(codepointsToText('110000')).toBeUndefined();
  });
});
