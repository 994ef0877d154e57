/**
 * Matrix reaction keys to platform names, by class: a key is either sent under a name the
 * platform's API takes as it is (no path, query or markup characters), or refused with a
 * ReactionUnavailableError the sender is told about. Never passed through raw.
 */
import { describe, expect, it } from 'vitest';
import { mattermostReactions } from '../../../connectors/mattermost/format/emoji.js';
import { rocketReactions } from '../../../connectors/rocketchat/format/emoji.js';
import { slackReactions } from '../../../connectors/slack/format/emoji.js';
import { keyToTeamsReaction } from '../../../connectors/teams/format/index.js';
import {
  datasetEmoji,
  ReactionUnavailableError,
  type ReactionNames,
} from '../../../src/connector/index.js';
import { HOSTILE_KEYS } from './hostile-keys.js';

const PLATFORMS: [string, ReactionNames, RegExp][] = [
  ['Mattermost', mattermostReactions, /^[a-z0-9_+-]{1,64}$/],
  ['Slack', slackReactions, /^[a-z0-9_+'-]{1,100}(::skin-tone-[2-6](-[2-6])?)?$/],
  ['Rocket.Chat', rocketReactions, /^[a-z0-9_+-]{1,64}$/],
];

describe.each(PLATFORMS)('%s reaction names', (platform, reactions, safeName) => {
  it.each(HOSTILE_KEYS.map((k) => [JSON.stringify(k).slice(0, 40), k]))(
    'sends %s under a safe name or refuses it',
    (_label, key) => {
      let name: string | undefined;
      try {
        name = reactions.toName(key);
      } catch (err) {
        expect(err).toBeInstanceOf(ReactionUnavailableError);
        expect((err as ReactionUnavailableError).code).toBe('REACTION_UNAVAILABLE');
        expect((err as Error).message).toContain(`${platform} has no emoji for the reaction`);
        expect(reactions.find(key)).toBeUndefined();
        return;
      }
      expect(name).toMatch(safeName);
      expect(reactions.find(key)).toBe(name);
    },
  );

  it('refuses free text and sends new emoji', () => {
    expect(() => reactions.toName('lol')).toThrow(ReactionUnavailableError);
    expect(reactions.toName('🫠')).toBe('melting_face');
    expect(reactions.toKey('melting_face')).toBe('🫠');
  });
});

describe('Teams reaction types', () => {
  it.each(HOSTILE_KEYS.map((k) => [JSON.stringify(k).slice(0, 40), k]))(
    'sends %s as a classic reaction or one emoji of the dataset, or not at all',
    (_label, key) => {
      const type = keyToTeamsReaction(key);
      if (type === undefined) return;
      expect(
        ['like', 'heart', 'laugh', 'surprised', 'sad', 'angry'].includes(type) ||
          datasetEmoji(type) === type,
      ).toBe(true);
    },
  );

  it('sends any emoji of the dataset, whatever its spelling', () => {
    expect(keyToTeamsReaction('👍\uFE0F')).toBe('like');
    expect(keyToTeamsReaction('🫡')).toBe('🫡');
    expect(keyToTeamsReaction('🧑\u200D💻')).toBe('🧑\u200D💻');
    expect(keyToTeamsReaction('lol')).toBeUndefined();
  });
});
