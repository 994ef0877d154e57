/**
 * Display names cross from one side to the other (ghost profiles on Matrix, sender names on
 * the platforms). A name is chosen by whoever owns the account, so it is cleaned before use:
 * nothing invisible, nothing that reorders the text around it, one line, bounded length.
 * Otherwise "Alice\u202Eadmin" or a name padded with zero-width spaces could pass for a
 * colleague, or a name could push the bridge's platform suffix out of sight.
 */

/** Longest cleaned name, in grapheme clusters, before the template adds its suffix. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

/**
 * Invisible or text-direction characters: controls (Cc), format characters (Cf: bidi
 * embeddings, overrides and isolates, marks, zero-width space/joiners, word joiner, BOM,
 * tag characters), private use (Co), lone surrogates (Cs), and letters that render blank
 * (Hangul fillers, braille blank, Khmer and Mongolian invisibles, the combining grapheme joiner).
 */
const INVISIBLE =
  // The class lists single invisible code points (some are combining marks) on purpose.
  // eslint-disable-next-line no-misleading-character-class
  /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFFA0]/gu;
/** Any run of whitespace, line and paragraph separators and NEL included. */
const WHITESPACE = /[\s\p{Z}\u0085]+/gu;
/** More than three combining marks on one letter only serve to smear over the line. */
const MARK_PILE = /(\p{M}{3})\p{M}+/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `s` to `max` grapheme clusters, marking the cut with an ellipsis. */
function truncateGraphemes(s: string, max: number): string {
  const parts = Array.from(graphemes.segment(s), (g) => g.segment);
  if (parts.length <= max) return s;
  return `${parts
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * The name as it is safe to show: whitespace (newlines included) collapsed to single
 * spaces, invisible and direction-changing characters removed, combining-mark piles
 * thinned, at most `MAX_DISPLAY_NAME_LENGTH` graphemes. May return '' (the caller falls back
 * to an id).
 */
export function sanitizeDisplayName(raw: string, max = MAX_DISPLAY_NAME_LENGTH): string {
  if (typeof raw !== 'string') return '';
  const cleaned = raw
    .normalize('NFC')
    .replace(WHITESPACE, ' ')
    .replace(INVISIBLE, '')
    .replace(MARK_PILE, '$1')
    .replace(WHITESPACE, ' ')
    .trim();
  return truncateGraphemes(cleaned, max);
}

/** The placeholders a name template may use. */
export interface NameTemplateValues {
  /** The person's cleaned display name. */
  name: string;
  /** Where the person really is: a connector's display name, or `Matrix`. */
  platform: string;
}

/** Placeholders in templates: `{name}` and `{platform}`; nothing else is special. */
const PLACEHOLDER = /\{(name|platform)\}/g;

/** Fills a template such as `{name} ({platform})`. */
export function renderNameTemplate(template: string, values: NameTemplateValues): string {
  return template.replace(PLACEHOLDER, (_, key: 'name' | 'platform') => values[key]);
}
