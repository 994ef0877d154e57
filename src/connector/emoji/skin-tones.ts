/**
 * How a platform's emoji names carry skin tones. Tones are the dataset's: `1`..`5` (light ..
 * dark), `a-b` for two people with different tones.
 * - `colons`: `wave::skin-tone-3`, `people_holding_hands::skin-tone-2-6` (2..6 are the
 *   Fitzpatrick types: dataset tone + 1);
 * - `words`: `wave_medium_light_skin_tone`, two tones one after the other;
 * - `shortcodes`: the variants have names of their own in the short-code set (JoyPixels
 *   `thumbsup_tone1`), so no rule is needed.
 */
export type SkinToneStyle = 'colons' | 'words' | 'shortcodes';

export interface SkinToneRule {
  /** The name of the variant with `tone` of the emoji named `base`. */
  name(base: string, tone: string): string;
  /** `name` as its base name and tone, or undefined when it names no tone. */
  split(name: string): { base: string; tone: string } | undefined;
}

/** Two equal tones are one tone: the dataset names `1`, not `1-1`, for two light-skinned people. */
const toneKey = (tones: readonly number[]): string => [...new Set(tones)].join('-');

const COLONS = /^(.+?)::skin-tone-([2-6])(?:-([2-6]))?$/;

const colons: SkinToneRule = {
  name: (base, tone) =>
    `${base}::skin-tone-${tone
      .split('-')
      .map((t) => Number(t) + 1)
      .join('-')}`,
  split(name) {
    const m = COLONS.exec(name);
    if (!m) return undefined;
    const tones = [m[2], m[3]].filter((t) => t !== undefined).map((t) => Number(t) - 1);
    return { base: m[1]!, tone: toneKey(tones) };
  },
};

/** Index = dataset tone - 1. Longer words first where one ends another (see `split`). */
const TONE_WORDS = ['light', 'medium_light', 'medium', 'medium_dark', 'dark'];
const BY_LENGTH = TONE_WORDS.map((w, i) => ({ suffix: `_${w}_skin_tone`, tone: i + 1 })).sort(
  (a, b) => b.suffix.length - a.suffix.length,
);

/** The last tone suffix of `name`: `_medium_light_skin_tone` before `_light_skin_tone`. */
function lastTone(name: string): { rest: string; tone: number } | undefined {
  const hit = BY_LENGTH.find((t) => name.endsWith(t.suffix) && name.length > t.suffix.length);
  return hit && { rest: name.slice(0, -hit.suffix.length), tone: hit.tone };
}

const words: SkinToneRule = {
  name: (base, tone) =>
    base +
    tone
      .split('-')
      .map((t) => `_${TONE_WORDS[Number(t) - 1]}_skin_tone`)
      .join(''),
  split(name) {
    const second = lastTone(name);
    if (!second) return undefined;
    const first = lastTone(second.rest);
    if (!first) return { base: second.rest, tone: String(second.tone) };
    return { base: first.rest, tone: toneKey([first.tone, second.tone]) };
  },
};

const none: SkinToneRule = { name: (base) => base, split: () => undefined };

export function skinToneRule(style: SkinToneStyle): SkinToneRule {
  return style === 'colons' ? colons : style === 'words' ? words : none;
}
