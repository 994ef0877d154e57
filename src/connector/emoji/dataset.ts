/**
 * The emoji dataset (generated from emojibase-data, see scripts/generate-emoji.mjs), decoded
 * once on first use into records the name sets are built from.
 */
import { EMOJI_ROWS } from './emoji-data.generated.js';

/** Short-code sets carried by the dataset; each platform's names are one of them. */
export type ShortcodeSet = 'iamcal' | 'github' | 'joypixels';

export interface SkinVariant {
  emoji: string;
  /** `1`..`5` (light..dark), or `a-b` for two people with different tones. */
  tone: string;
  /** The variant's own JoyPixels names (other sets name skin variants by a suffix rule). */
  joypixels: readonly string[];
}

export interface EmojiRecord {
  /** Fully qualified (U+FE0F only where Unicode requires it). */
  emoji: string;
  names: Readonly<Record<ShortcodeSet, readonly string[]>>;
  skins: readonly SkinVariant[];
}

const fromHex = (hex: string): string =>
  String.fromCodePoint(...hex.split('-').map((h) => Number.parseInt(h, 16)));
const words = (field: string | undefined): string[] => (field ? field.split(' ') : []);

function decodeSkin(field: string): SkinVariant {
  const [hex, tone, joypixels] = field.split(':');
  return { emoji: fromHex(hex!), tone: tone!, joypixels: words(joypixels) };
}

function decodeRow(row: string): EmojiRecord {
  const [hex, iamcal, github, joypixels, skins] = row.split('|');
  return {
    emoji: fromHex(hex!),
    names: { iamcal: words(iamcal), github: words(github), joypixels: words(joypixels) },
    skins: skins ? skins.split(',').map(decodeSkin) : [],
  };
}

let records: readonly EmojiRecord[] | undefined;

/** Every emoji of the dataset (skin variants inside their base emoji's record). */
export function emojiRecords(): readonly EmojiRecord[] {
  records ??= EMOJI_ROWS.map(decodeRow);
  return records;
}

const PRESENTATION_SELECTORS = /[\uFE0E\uFE0F]/g;

/**
 * What two spellings of one emoji have in common: without presentation selectors, so ❤ and
 * ❤️ (and 👍️, as some Matrix clients send it) are the same key.
 */
export function emojiLookupKey(text: string): string {
  return text.replace(PRESENTATION_SELECTORS, '');
}

let canonical: Map<string, string> | undefined;

/** The dataset's spelling of `text` when it is one emoji of the dataset, else undefined. */
export function datasetEmoji(text: string): string | undefined {
  if (!canonical) {
    canonical = new Map();
    for (const r of emojiRecords()) {
      canonical.set(emojiLookupKey(r.emoji), r.emoji);
      for (const s of r.skins) canonical.set(emojiLookupKey(s.emoji), s.emoji);
    }
  }
  return canonical.get(emojiLookupKey(text));
}

/** How many emoji the dataset has, skin variants included. */
export function datasetSize(): number {
  return emojiRecords().reduce((n, r) => n + 1 + r.skins.length, 0);
}
