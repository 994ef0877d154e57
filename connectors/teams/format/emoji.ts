/**
 * Teams reaction types ⇄ reaction keys. Teams names its six classic reactions (like, heart,
 * laugh, surprised, sad, angry); newer reactions arrive as the emoji itself or as Teams'
 * emoji ids (`1f440_eyes`: code points, underscore, name). Matrix keys are unicode.
 */
import { datasetEmoji } from '../../../src/connector/index.js';

const NAMED: Record<string, string> = {
  like: '👍',
  heart: '❤️',
  laugh: '😆',
  surprised: '😮',
  sad: '😢',
  angry: '😡',
};

const BY_UNICODE = new Map<string, string>(Object.entries(NAMED).map(([name, u]) => [u, name]));
BY_UNICODE.set('❤', 'heart');

const EMOJI_ID = /^([0-9a-f]{4,6}(?:-[0-9a-f]{4,6})*)_[a-z0-9_]+$/;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}/u;

/** A Teams reaction type as a bridge reaction key: unicode where known, else `:type:`. */
export function teamsReactionToKey(type: string): string {
  const named = NAMED[type];
  if (named) return named;
  if (PICTOGRAPHIC.test(type) && [...type].length <= 8) return type;
  const id = EMOJI_ID.exec(type);
  if (id) {
    const cps = id[1]!.split('-').map((h) => Number.parseInt(h, 16));
    if (cps.every((c) => c > 0 && c <= 0x10ffff)) return String.fromCodePoint(...cps);
  }
  return `:${type.replace(/[^\w+-]/g, '')}:`;
}

/**
 * A reaction key as the `reactionType` Graph's setReaction accepts (a classic name, or any
 * emoji of the dataset as itself), or undefined.
 */
export function keyToTeamsReaction(key: string): string | undefined {
  const named = BY_UNICODE.get(datasetEmoji(key) ?? key);
  if (named) return named;
  const colon = /^:([a-z]+):$/.exec(key);
  if (colon && NAMED[colon[1]!]) return colon[1];
  return datasetEmoji(key);
}
