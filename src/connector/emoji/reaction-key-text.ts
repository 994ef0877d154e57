/**
 * A Matrix reaction key as words in a room notice. Keys are free text chosen by the sender:
 * control, format and direction-changing characters are dropped (nobody can reorder or hide
 * what the notice says), whitespace is folded and the text is cut short.
 */
import { datasetEmoji } from './dataset.js';

/** Characters of a non-emoji key a notice shows: enough to recognise it. */
const MAX_CHARS = 24;
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]/gu;

/** `👍` for an emoji of the dataset; `“lol”` for text, cleaned; `“”` when nothing is left. */
export function reactionKeyText(key: string): string {
  const emoji = datasetEmoji(key);
  if (emoji !== undefined) return emoji;
  const line = key.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  const short = chars.length > MAX_CHARS ? `${chars.slice(0, MAX_CHARS).join('')}…` : line;
  return `“${short}”`;
}
