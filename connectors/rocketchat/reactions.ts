/**
 * Rocket.Chat has no reaction events: a reaction changes the message's `reactions` map
 * (`{":thumbsup:": {usernames: [...]}}`), which arrives as an updated message. The connector
 * keeps the last map it saw per message and turns the difference into add/remove events.
 */

/** reaction name (`:name:`) → usernames, sorted; only well-formed entries kept. */
export type ReactionState = Record<string, string[]>;

const NAME = /^:[a-z0-9_+-]{1,64}:$/i;
const USERNAME = /^[a-z0-9._-]{1,64}$/i;
const MAX_USERS_PER_REACTION = 1000;

export function normalizeReactions(wire: unknown): ReactionState {
  const out: ReactionState = {};
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) return out;
  for (const [name, entry] of Object.entries(wire as Record<string, unknown>)) {
    if (!NAME.test(name)) continue;
    const names = (entry as { usernames?: unknown } | null)?.usernames;
    if (!Array.isArray(names)) continue;
    const users = [
      ...new Set(names.filter((u): u is string => typeof u === 'string' && USERNAME.test(u))),
    ]
      .slice(0, MAX_USERS_PER_REACTION)
      .sort();
    if (users.length > 0) out[name] = users;
  }
  return out;
}

export interface ReactionChange {
  added: boolean;
  /** `:name:` as Rocket.Chat stores it. */
  reaction: string;
  username: string;
}

/**
 * What changed from `before` to `after`, removals first (so a swap of one emoji for another
 * reads naturally), each list in a stable order; `ignore` (the bot itself) is left out.
 */
export function diffReactions(
  before: ReactionState,
  after: ReactionState,
  ignore?: string,
): ReactionChange[] {
  const removed: ReactionChange[] = [];
  const added: ReactionChange[] = [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const reaction of names) {
    const was = new Set(before[reaction] ?? []);
    const now = new Set(after[reaction] ?? []);
    for (const username of [...was].sort()) {
      if (!now.has(username) && username !== ignore)
        removed.push({ added: false, reaction, username });
    }
    for (const username of [...now].sort()) {
      if (!was.has(username) && username !== ignore)
        added.push({ added: true, reaction, username });
    }
  }
  return [...removed, ...added];
}

export function sameReactions(a: ReactionState, b: ReactionState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
