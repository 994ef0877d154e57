/**
 * Rocket.Chat has no reaction events: a reaction changes the message's `reactions` map
 * (`{":thumbsup:": {usernames: [...]}}`), which arrives as an updated message. The connector
 * hands each map to the core's `ReactionTracker`, which turns what changed into add/remove
 * events.
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
