/**
 * The emojibase-data dataset read straight from the package, independently of the generated
 * rows, so the tests compare the bridge's tables with the source.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface DatasetEmoji {
  hexcode: string;
  emoji: string;
  label: string;
  skins?: DatasetEmoji[];
}

export type Shortcodes = Record<string, string | string[]>;

export const DATASET: DatasetEmoji[] = require('emojibase-data/en/data.json');

export function shortcodes(set: 'iamcal' | 'github' | 'joypixels'): Shortcodes {
  return require(`emojibase-data/en/shortcodes/${set}.json`);
}

/** Every emoji of the dataset: base emoji and, after each, its skin variants. */
export function everyEmoji(): Array<{ entry: DatasetEmoji; base: DatasetEmoji }> {
  return DATASET.flatMap((base) => [
    { entry: base, base },
    ...(base.skins ?? []).map((entry) => ({ entry, base })),
  ]);
}

export const namesOf = (codes: Shortcodes, hexcode: string): string[] =>
  [codes[hexcode] ?? []].flat();

/** The emoji as code points, without presentation selectors (❤ and ❤️ are one). */
export const bare = (text: string): string => text.replace(/[\uFE0E\uFE0F]/g, '');
