/**
 * A platform's emoji names ⇄ Unicode emoji, built from the dataset. A platform names emoji
 * after one short-code set (what the bridge sends), may understand others (what it
 * receives), and carries skin tones in its own way (skin-tones.ts).
 */
import { BridgeError } from '../../util/errors.js';
import {
  emojiLookupKey,
  emojiRecords,
  type EmojiRecord,
  type ShortcodeSet,
  type SkinVariant,
} from './dataset.js';
import { skinToneRule, type SkinToneRule, type SkinToneStyle } from './skin-tones.js';

export interface EmojiNameSpec {
  /** The set whose names the platform shows: the bridge sends these. */
  names: ShortcodeSet;
  /** Further sets whose names the platform also accepts, understood when received. */
  alsoUnderstood?: readonly ShortcodeSet[];
  /** Names of the platform's own, understood when received: name → emoji. */
  extraNames?: Readonly<Record<string, string>>;
  skinTones: SkinToneStyle;
}

export interface EmojiNames {
  /** `+1`, `:+1:`, `+1::skin-tone-2` (as the spec's style says) → 👍 / 👍🏻; unknown → undefined. */
  toUnicode(name: string): string | undefined;
  /** 👍 / 👍️ / 👍🏻 → the name the platform shows; undefined when it has none. */
  toName(emoji: string): string | undefined;
  /** How many emoji (skin variants included) `toName` names. */
  readonly size: number;
  /** Every emoji `toName` names, with that name. */
  entries(): IterableIterator<[emoji: string, name: string]>;
}

/**
 * Some platforms list a country's flag as `flag-de` though the set also has `de`; the
 * `flag-` name is the one they store, so it is the one sent.
 */
function preferredName(names: readonly string[]): string | undefined {
  return names.find((n) => n.startsWith('flag-')) ?? names[0];
}

interface Tables {
  byName: Map<string, string>;
  /** Lookup key → name sent. */
  nameOf: Map<string, string>;
  /** Lookup key → the emoji as the dataset spells it. */
  emojiOf: Map<string, string>;
  /** Base emoji's lookup key → tone → variant. */
  variants: Map<string, Map<string, string>>;
}

/** A skin variant's own name: only JoyPixels names them (`thumbsup_tone1`). */
const ownName = (spec: EmojiNameSpec, skin: SkinVariant): string | undefined =>
  spec.names === 'joypixels' ? skin.joypixels[0] : undefined;

function addSent(t: Tables, record: EmojiRecord, spec: EmojiNameSpec, rule: SkinToneRule): void {
  const base = preferredName(record.names[spec.names]);
  if (base === undefined) return;
  t.nameOf.set(emojiLookupKey(record.emoji), base);
  for (const skin of record.skins) {
    const own = spec.skinTones !== 'shortcodes' ? rule.name(base, skin.tone) : ownName(spec, skin);
    if (own !== undefined) t.nameOf.set(emojiLookupKey(skin.emoji), own);
  }
}

/** The emoji and its skin variants as lookup key → spelling, and tone → variant. */
function addSpellings(t: Tables, record: EmojiRecord): void {
  const key = emojiLookupKey(record.emoji);
  t.emojiOf.set(key, record.emoji);
  for (const skin of record.skins) t.emojiOf.set(emojiLookupKey(skin.emoji), skin.emoji);
  if (record.skins.length > 0)
    t.variants.set(key, new Map(record.skins.map((s) => [s.tone, s.emoji])));
}

function addNames(t: Tables, record: EmojiRecord, set: ShortcodeSet, style: SkinToneStyle): void {
  for (const name of record.names[set]) if (!t.byName.has(name)) t.byName.set(name, record.emoji);
  if (set !== 'joypixels' || style !== 'shortcodes') return;
  for (const skin of record.skins)
    for (const name of skin.joypixels) if (!t.byName.has(name)) t.byName.set(name, skin.emoji);
}

function buildTables(spec: EmojiNameSpec, rule: SkinToneRule): Tables {
  const t: Tables = {
    byName: new Map(),
    nameOf: new Map(),
    emojiOf: new Map(),
    variants: new Map(),
  };
  const records = emojiRecords();
  for (const r of records) {
    addSent(t, r, spec, rule);
    addSpellings(t, r);
  }
  // The platform's own set first: where sets disagree about a name (`city_sunset` is 🌆 in
  // one, 🌇 in another), the platform's meaning wins.
  for (const set of [spec.names, ...(spec.alsoUnderstood ?? [])])
    for (const r of records) addNames(t, r, set, spec.skinTones);
  for (const [name, emoji] of Object.entries(spec.extraNames ?? {})) {
    const known = t.emojiOf.get(emojiLookupKey(emoji));
    // A mistake in a connector's own table, found when it loads (and by its tests).
    if (known === undefined)
      throw new BridgeError(
        'CONNECTOR_INVALID',
        `extra emoji name ${name}: ${emoji} is not an emoji of the dataset`,
      );
    if (!t.byName.has(name)) t.byName.set(name, known);
  }
  return t;
}

const bareName = (name: string): string =>
  name
    .trim()
    .replace(/^:(.+):$/, '$1')
    .toLowerCase();

/** The emoji names of one platform; built once, when its connector loads. */
export function createEmojiNames(spec: EmojiNameSpec): EmojiNames {
  const rule = skinToneRule(spec.skinTones);
  const t = buildTables(spec, rule);
  const withTone = (name: string): string | undefined => {
    const split = rule.split(name);
    const base = split && t.byName.get(split.base);
    return base && t.variants.get(emojiLookupKey(base))?.get(split.tone);
  };
  return {
    toUnicode(name) {
      const bare = bareName(name);
      return t.byName.get(bare) ?? withTone(bare);
    },
    toName: (emoji) => t.nameOf.get(emojiLookupKey(emoji)),
    size: t.nameOf.size,
    *entries() {
      for (const [key, name] of t.nameOf) yield [t.emojiOf.get(key)!, name];
    },
  };
}
