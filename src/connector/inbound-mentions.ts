/**
 * Reading `@username` mentions of a platform message: the people a message names, once looked
 * up, become mentions of those people (ghosts on Matrix), shown by their display name.
 */
import type { MentionTarget } from '../model/message.js';

/** A mention of `userId` of `workspace` on `connectorId`. */
export function remoteMention(
  connectorId: string,
  workspace: string,
  userId: string,
): MentionTarget {
  return { kind: 'remote', connector: connectorId, workspace, userId };
}

export interface UsernameMentions {
  resolveUser(username: string): MentionTarget | undefined;
  userDisplayName(username: string): string | undefined;
}

/**
 * A parser's mention callbacks over the users found for a message, keyed by lower-cased
 * username (usernames are matched without regard to case); unknown names stay plain text.
 */
export function usernameMentions<U extends { id: string }>(
  connectorId: string,
  workspace: string,
  found: ReadonlyMap<string, U>,
  displayName: (user: U) => string,
): UsernameMentions {
  return {
    resolveUser: (username) => {
      const u = found.get(username.toLowerCase());
      return u ? remoteMention(connectorId, workspace, u.id) : undefined;
    },
    userDisplayName: (username) => {
      const u = found.get(username.toLowerCase());
      return u ? displayName(u) : undefined;
    },
  };
}
