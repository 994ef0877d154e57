/**
 * Reaction keys (Matrix, Unicode emoji) ⇄ a platform's reaction names, including the
 * platform's custom emoji, which cross as `:name:` keys.
 */
import type { EmojiNames } from './emoji-names.js';
import { ReactionUnavailableError } from './reaction-unavailable.js';

export interface ReactionNameSpec {
  /** The platform as members know it (its display name): notices name it. */
  platform: string;
  emoji: EmojiNames;
  /** What a custom emoji name may look like on the platform (without colons, lower case). */
  customName: RegExp;
}

const COLONED = /^:([^:\s](?:.*[^:\s])?):$/s;

export class ReactionNames {
  constructor(private readonly spec: ReactionNameSpec) {}

  /** A platform reaction name as a Matrix reaction key: the emoji, or `:name:` (custom emoji). */
  toKey(name: string): string {
    const bare = name.trim().replace(/^:|:$/g, '').toLowerCase();
    return this.spec.emoji.toUnicode(bare) ?? `:${bare}:`;
  }

  /**
   * A Matrix reaction key as the platform's reaction name: the emoji's name, or a `:name:`
   * key (a custom emoji from another platform) as `name`. Throws ReactionUnavailableError
   * when the platform cannot show it, so the sender is told.
   */
  toName(key: string): string {
    const name = this.find(key);
    if (name === undefined) throw this.unavailable(key);
    return name;
  }

  /**
   * Like `toName`, undefined when the platform cannot show the key: for removing a reaction,
   * where such a key was never added and there is nothing to do.
   */
  find(key: string): string | undefined {
    const named = this.spec.emoji.toName(key);
    if (named !== undefined) return named;
    const custom = COLONED.exec(key.trim())?.[1]?.toLowerCase();
    if (custom === undefined) return undefined;
    // `:thinking:` from a platform that calls 🤔 so is sent under this platform's name.
    const emoji = this.spec.emoji.toUnicode(custom);
    const own = emoji === undefined ? undefined : this.spec.emoji.toName(emoji);
    if (own !== undefined) return own;
    return this.spec.customName.test(custom) ? custom : undefined;
  }

  /** The error for a reaction the platform refused by name (its set lacks the emoji). */
  unavailable(key: string): ReactionUnavailableError {
    return new ReactionUnavailableError(this.spec.platform, key);
  }
}
