/**
 * Slack emoji names ⇄ Unicode (Matrix reaction keys). Slack's standard names are the
 * emoji-datasource short names the Mattermost table follows; skin tones are a
 * `::skin-tone-N` suffix (2 = light … 6 = dark).
 */
// eslint-disable-next-line import-x/no-restricted-paths -- until the core emoji module (issue 13, emoji part) replaces it
import { emojiNameToUnicode, unicodeToEmojiName } from '../../mattermost/format/emoji.js';

const VS16 = /\uFE0F/g;
const TONES = ['\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'];
const TONE_RE = /[\u{1F3FB}-\u{1F3FF}]/u;

/** Names Slack has that the shared table does not. */
const SLACK_ALIASES: Record<string, string> = {
  simple_smile: '🙂',
  thumbsup_all: '👍',
};

function baseToUnicode(name: string): string | undefined {
  return SLACK_ALIASES[name] ?? emojiNameToUnicode(name);
}

/** `+1` / `:+1:` / `wave::skin-tone-3` → 👍 / 👋🏼; custom or unknown names → undefined. */
export function slackEmojiToUnicode(name: string): string | undefined {
  const m = /^:?([a-z0-9_+'-]+)(?:::skin-tone-([2-6]))?:?$/.exec(name.trim().toLowerCase());
  if (!m) return undefined;
  const base = baseToUnicode(m[1]!);
  if (base === undefined || m[2] === undefined) return base;
  const chars = Array.from(base.replace(VS16, ''));
  return chars[0] + TONES[Number(m[2]) - 2]! + chars.slice(1).join('');
}

/** A Slack reaction name as a Matrix reaction key: the emoji, or `:name:` (custom emoji). */
export function slackReactionToKey(name: string): string {
  return slackEmojiToUnicode(name) ?? `:${name.replace(/^:|:$/g, '')}:`;
}

/** A Matrix reaction key as a Slack reaction name, or undefined when Slack has no name for it. */
export function keyToSlackReaction(key: string): string | undefined {
  const named = /^:([a-z0-9_+'-]{1,100}(?:::skin-tone-[2-6])?):$/i.exec(key.trim());
  if (named) return named[1]!.toLowerCase();
  const k = key.replace(VS16, '');
  const tone = TONE_RE.exec(k);
  const base = unicodeToEmojiName(k, { ignoreSkinTone: true });
  if (base === undefined) return undefined;
  return tone ? `${base}::skin-tone-${TONES.indexOf(tone[0]) + 2}` : base;
}

/** Slack's `unicode` field of emoji elements (`1f44d-1f3fb`) as text. */
export function codepointsToText(hex: string | undefined): string | undefined {
  if (!hex || !/^[0-9a-f]{2,6}(-[0-9a-f]{2,6})*$/i.test(hex)) return undefined;
  try {
    return String.fromCodePoint(...hex.split('-').map((h) => parseInt(h, 16)));
  } catch {
    return undefined;
  }
}
