import { describe, expect, it } from 'vitest';
import {
  codepointsToText,
  slackEmoji,
  slackReactions,
} from '../../../connectors/slack/format/index.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';

// The full dataset round trip and counts: test/unit/emoji/flavours.test.ts.
describe('Slack emoji names ⇄ unicode', () => {
  it('maps standard names and aliases both ways', () => {
    expect(slackEmoji.toUnicode('+1')).toBe('👍');
    expect(slackEmoji.toUnicode('thumbsup')).toBe('👍');
    expect(slackEmoji.toUnicode(':tada:')).toBe('🎉');
    expect(slackEmoji.toUnicode('simple_smile')).toBe('🙂');
    expect(slackEmoji.toUnicode('thumbsup_all')).toBe('👍');
    expect(slackEmoji.toUnicode('saluting_face')).toBe('🫡');
    expect(slackReactions.toName('👍')).toBe('+1');
    expect(slackReactions.toName('👍\uFE0F')).toBe('+1');
    expect(slackReactions.toName('❤️')).toBe('heart');
    expect(slackReactions.toName('❤')).toBe('heart');
    expect(slackReactions.toName('🤌')).toBe('pinched_fingers');
  });

  it('carries skin tones as ::skin-tone-N', () => {
    expect(slackEmoji.toUnicode('wave::skin-tone-2')).toBe('👋🏻');
    expect(slackEmoji.toUnicode('+1::skin-tone-6')).toBe('👍🏿');
    expect(slackEmoji.toUnicode('thumbsup::skin-tone-6')).toBe('👍🏿');
    expect(slackReactions.toName('👋🏽')).toBe('wave::skin-tone-4');
    expect(slackReactions.toKey(slackReactions.toName('👍🏾'))).toBe('👍🏾');
    expect(slackReactions.toName('🫱🏻\u200D🫲🏿')).toBe('handshake::skin-tone-2-6');
  });

  it('keeps custom emoji as :name: and refuses what Slack cannot name', () => {
    expect(slackReactions.toKey('partyparrot')).toBe(':partyparrot:');
    expect(slackReactions.toName(':partyparrot:')).toBe('partyparrot');
    expect(slackReactions.toName(':Party-Parrot:')).toBe('party-parrot');
    // Another platform's name for a standard emoji is sent under Slack's.
    expect(slackReactions.toName(':thinking:')).toBe('thinking_face');
    expect(() => slackReactions.toName('not an emoji')).toThrow(ReactionUnavailableError);
    expect(() => slackReactions.toName(':a b:')).toThrow(ReactionUnavailableError);
    expect(slackEmoji.toUnicode('no such name')).toBeUndefined();
  });

  it('reads the unicode field of rich_text emoji elements', () => {
    expect(codepointsToText('1f44d-1f3fb')).toBe('👍🏻');
    expect(codepointsToText('zz')).toBeUndefined();
    expect(codepointsToText('110000')).toBeUndefined();
  });
});
