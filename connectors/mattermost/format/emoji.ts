/**
 * Mattermost reaction names ⇄ Unicode emoji (Matrix reaction keys).
 * Matching ignores U+FE0F (emoji presentation selector), so "❤" and "❤️" are the same key.
 * Skin tones are carried as Mattermost's `_<tone>_skin_tone` name suffix.
 */
import { EMOJI_TABLE } from './emoji-data.js';

const VS16 = /\uFE0F/g;

const SKIN_TONES: readonly (readonly [suffix: string, modifier: string])[] = [
  ['_light_skin_tone', '\u{1F3FB}'],
  ['_medium_light_skin_tone', '\u{1F3FC}'],
  ['_medium_skin_tone', '\u{1F3FD}'],
  ['_medium_dark_skin_tone', '\u{1F3FE}'],
  ['_dark_skin_tone', '\u{1F3FF}'],
];
const SKIN_TONE_RE = /[\u{1F3FB}-\u{1F3FF}]/u;

const byName = new Map<string, string>();
const byUnicode = new Map<string, string>();
for (const [emoji, ...names] of EMOJI_TABLE) {
  const key = emoji.replace(VS16, '');
  if (!byUnicode.has(key)) byUnicode.set(key, names[0]!);
  for (const name of names) if (!byName.has(name)) byName.set(name, emoji);
}

const stripColons = (name: string): string => name.replace(/^:(.+):$/, '$1').toLowerCase();

/** `thumbsup` / `+1` / `:+1:` / `+1_dark_skin_tone` → 👍 (👍🏿). Unknown (e.g. custom emoji) → undefined. */
export function emojiNameToUnicode(name: string): string | undefined {
  const n = stripColons(name);
  const direct = byName.get(n);
  if (direct !== undefined) return direct;
  for (const [suffix, modifier] of SKIN_TONES) {
    if (!n.endsWith(suffix)) continue;
    const base = byName.get(n.slice(0, -suffix.length));
    if (base === undefined) return undefined;
    // The modifier follows the base character; a presentation selector is then redundant.
    const chars = Array.from(base.replace(VS16, ''));
    return chars[0] + modifier + chars.slice(1).join('');
  }
  return undefined;
}

export interface UnicodeToEmojiNameOptions {
  /** Drop skin-tone modifiers instead of mapping them to a `_<tone>_skin_tone` suffix. */
  ignoreSkinTone?: boolean;
}

/** 👍 / 👍️ → `+1`; 👍🏽 → `+1_medium_skin_tone`. No mapping → undefined. */
export function unicodeToEmojiName(
  key: string,
  opts: UnicodeToEmojiNameOptions = {},
): string | undefined {
  const k = key.replace(VS16, '');
  const direct = byUnicode.get(k);
  if (direct !== undefined) return direct;
  const tone = SKIN_TONE_RE.exec(k);
  if (!tone) return undefined;
  const base = byUnicode.get(k.replace(SKIN_TONE_RE, ''));
  if (base === undefined) return undefined;
  if (opts.ignoreSkinTone) return base;
  const suffix = SKIN_TONES.find(([, m]) => m === tone[0])?.[0];
  return suffix === undefined ? base : base + suffix;
}

/** A Mattermost reaction name as a Matrix reaction key: the emoji, or `:name:` when unknown. */
export function mattermostReactionToMatrixKey(name: string): string {
  return emojiNameToUnicode(name) ?? `:${stripColons(name)}:`;
}

/** A Matrix reaction key as a Mattermost reaction name: via the table, or `:name:` keys verbatim. */
export function matrixKeyToMattermostReaction(key: string): string | undefined {
  const named = unicodeToEmojiName(key);
  if (named !== undefined) return named;
  const m = /^:([a-z0-9_+-]{1,64}):$/i.exec(key.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}
