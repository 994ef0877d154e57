/**
 * Each platform's emoji names against the dataset itself: every emoji the platform's set names
 * crosses both ways, and the counts are the dataset's, so the tables cannot silently shrink.
 */
import { describe, expect, it } from 'vitest';
import { mattermostEmoji } from '../../../connectors/mattermost/format/emoji.js';
import { rocketEmoji } from '../../../connectors/rocketchat/format/emoji.js';
import { slackEmoji } from '../../../connectors/slack/format/emoji.js';
import { datasetEmoji, type EmojiNames } from '../../../src/connector/index.js';
import { bare, everyEmoji, namesOf, shortcodes, type DatasetEmoji } from './dataset-rows.js';

interface Flavour {
  platform: string;
  names: EmojiNames;
  set: 'iamcal' | 'joypixels';
  /** Whether the platform names this emoji of the dataset. */
  names_: (entry: DatasetEmoji, base: DatasetEmoji) => boolean;
  /** The form a skin variant's name takes, given its base emoji's name. */
  skinName: RegExp | ((base: string) => RegExp);
}

const iamcal = shortcodes('iamcal');
const joypixels = shortcodes('joypixels');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const FLAVOURS: Flavour[] = [
  {
    platform: 'Slack',
    names: slackEmoji,
    set: 'iamcal',
    // Slack and Mattermost name every skin variant of an emoji they name, by a suffix.
    names_: (_entry, base) => namesOf(iamcal, base.hexcode).length > 0,
    skinName: (base) => new RegExp(`^${escape(base)}::skin-tone-[2-6](-[2-6])?$`),
  },
  {
    platform: 'Mattermost',
    names: mattermostEmoji,
    set: 'iamcal',
    names_: (_entry, base) => namesOf(iamcal, base.hexcode).length > 0,
    skinName: (base) =>
      new RegExp(`^${escape(base)}(_(light|medium_light|medium|medium_dark|dark)_skin_tone){1,2}$`),
  },
  {
    platform: 'Rocket.Chat',
    names: rocketEmoji,
    set: 'joypixels',
    // JoyPixels gives skin variants names of their own.
    names_: (entry) => namesOf(joypixels, entry.hexcode).length > 0,
    skinName: /^[a-z0-9_+-]+$/,
  },
];

const EXAMPLES: Record<
  string,
  [emoji: string, slack: string, mattermost: string, rocket: string][]
> = {
  new: [
    ['🫠', 'melting_face', 'melting_face', 'melting_face'],
    ['🥹', 'face_holding_back_tears', 'face_holding_back_tears', 'face_holding_back_tears'],
    ['🫡', 'saluting_face', 'saluting_face', 'saluting_face'],
    ['🤌', 'pinched_fingers', 'pinched_fingers', 'pinched_fingers'],
    ['🧑\u200D💻', 'technologist', 'technologist', 'technologist'],
    ['🐐', 'goat', 'goat', 'goat'],
  ],
  skinTones: [
    ['👍🏽', '+1::skin-tone-4', '+1_medium_skin_tone', 'thumbsup_tone3'],
    ['👋🏼', 'wave::skin-tone-3', 'wave_medium_light_skin_tone', 'wave_tone2'],
    [
      '🧑🏻\u200D💻',
      'technologist::skin-tone-2',
      'technologist_light_skin_tone',
      'technologist_tone1',
    ],
    [
      '🧑🏻\u200D🤝\u200D🧑🏿',
      'people_holding_hands::skin-tone-2-6',
      'people_holding_hands_light_skin_tone_dark_skin_tone',
      'people_holding_hands_tone1_tone5',
    ],
  ],
  classic: [
    ['👍', '+1', '+1', 'thumbsup'],
    ['❤\uFE0F', 'heart', 'heart', 'heart'],
    ['🙂', 'slightly_smiling_face', 'slightly_smiling_face', 'slight_smile'],
    ['🤔', 'thinking_face', 'thinking_face', 'thinking'],
    ['🇩🇪', 'flag-de', 'flag-de', 'flag_de'],
  ],
};

describe.each(FLAVOURS)('$platform emoji names', (f) => {
  const named = everyEmoji().filter(({ entry, base }) => f.names_(entry, base));

  it('names as many emoji as its short-code set has in the dataset', () => {
    expect(f.names.size).toBe(named.length);
    // emojibase-data 17: iamcal names 1911 emoji (with their skin variants 3936), JoyPixels 3808.
    expect(f.names.size).toBeGreaterThanOrEqual(f.set === 'iamcal' ? 3936 : 3808);
  });

  it('round-trips every emoji it names: unicode → name → unicode', () => {
    for (const { entry, base } of named) {
      const name = f.names.toName(entry.emoji);
      expect(name, entry.label).toBeDefined();
      expect(f.names.toName(bare(entry.emoji)), entry.label).toBe(name);
      expect(f.names.toUnicode(name!), `${entry.label}: ${name}`).toBe(datasetEmoji(entry.emoji));
      if (entry === base) expect(namesOf(shortcodes(f.set), base.hexcode)).toContain(name);
      else {
        const baseName = f.names.toName(base.emoji)!;
        const form = typeof f.skinName === 'function' ? f.skinName(baseName) : f.skinName;
        expect(name, entry.label).toMatch(form);
      }
    }
  });

  it('understands every name of its short-code set: name → unicode', () => {
    const codes = shortcodes(f.set);
    for (const { entry } of everyEmoji()) {
      for (const name of namesOf(codes, entry.hexcode)) {
        expect(bare(f.names.toUnicode(name) ?? ''), name).toBe(bare(entry.emoji));
        expect(bare(f.names.toUnicode(`:${name.toUpperCase()}:`) ?? ''), name).toBe(
          bare(entry.emoji),
        );
      }
    }
  });

  const column = FLAVOURS.indexOf(f) + 1;
  it.each(Object.entries(EXAMPLES))('crosses the %s examples both ways', (_kind, rows) => {
    for (const row of rows) {
      const [emoji, name] = [row[0], row[column]!];
      expect(f.names.toName(emoji), emoji).toBe(name);
      expect(f.names.toUnicode(name), name).toBe(emoji);
    }
  });

  it('names nothing that is not an emoji of the dataset', () => {
    for (const text of ['', 'lol', '👍👍', 'a', '\u{E000}', '🏻🏻', '👍x'])
      expect(f.names.toName(text), JSON.stringify(text)).toBeUndefined();
    for (const name of [
      '',
      'no_such_emoji',
      '+1::skin-tone-7',
      '+1_purple_skin_tone',
      'goat_tone9',
    ])
      expect(f.names.toUnicode(name), name).toBeUndefined();
  });
});

describe('names understood before the dataset', () => {
  it('keeps the aliases the connectors understood', () => {
    const both: [string, string][] = [
      ['thumbsup', '👍'],
      ['thinking', '🤔'],
      ['hugs', '🤗'],
      ['star_struck', '🤩'],
      ['star-struck', '🤩'],
      ['smiling_face_with_3_hearts', '🥰'],
      ['smiling_face_with_three_hearts', '🥰'],
      ['satisfied', '😆'],
      ['white_check_mark', '✅'],
      ['rainbow-flag', '🏳\uFE0F\u200D🌈'],
      ['one', '1\uFE0F\u20E3'],
      ['de', '🇩🇪'],
    ];
    for (const [name, emoji] of both) {
      for (const names of [slackEmoji, mattermostEmoji, rocketEmoji])
        expect(names.toUnicode(name), name).toBe(emoji);
    }
    expect(slackEmoji.toUnicode('simple_smile')).toBe('🙂');
    expect(slackEmoji.toUnicode('thumbsup_all')).toBe('👍');
    expect(mattermostEmoji.toUnicode('+1_dark_skin_tone')).toBe('👍🏿');
    expect(mattermostEmoji.toUnicode('v_light_skin_tone')).toBe('✌🏻');
    expect(mattermostEmoji.toUnicode('custom_light_skin_tone')).toBeUndefined();
  });

  it('sends the JoyPixels names Rocket.Chat shows', () => {
    const rocket: [string, string][] = [
      ['👎', 'thumbsdown'],
      ['🙁', 'slight_frown'],
      ['🙃', 'upside_down'],
      ['🤗', 'hugging'],
      ['🤐', 'zipper_mouth'],
      ['🙄', 'rolling_eyes'],
      ['🤓', 'nerd'],
      ['🤖', 'robot'],
      ['🤑', 'money_mouth'],
      ['🤒', 'thermometer_face'],
      ['🤕', 'head_bandage'],
      ['🤣', 'rofl'],
      ['🤷', 'person_shrugging'],
      ['🤦', 'person_facepalming'],
    ];
    for (const [emoji, name] of rocket) expect(rocketEmoji.toName(emoji), emoji).toBe(name);
  });
});
