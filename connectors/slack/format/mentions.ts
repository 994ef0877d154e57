import type { MentionTarget } from '../../../src/connector/index.js';

/**
 * What the parsers need to know about ids in Slack markup. Lookups are done before parsing
 * (the parsers are synchronous), so unknown ids simply stay ids.
 */
export interface MentionResolver {
  /** A Slack user id (`U…`/`W…`) as a mention target with the name to show. */
  user(slackId: string): { target: MentionTarget; name: string } | undefined;
  channelName(channelId: string): string | undefined;
}

/** For rendering: the Slack user id of a mention target in this workspace, if it is one. */
export type SlackUserFor = (target: MentionTarget) => string | undefined;

/** Every user and channel id a piece of Slack markup refers to. */
export function idsInMrkdwn(text: string): { users: string[]; channels: string[] } {
  const users = new Set<string>();
  const channels = new Set<string>();
  for (const m of text.matchAll(/<([@#])([A-Z0-9]{2,})(?:\|[^>]*)?>/g)) {
    (m[1] === '@' ? users : channels).add(m[2]!);
  }
  return { users: [...users], channels: [...channels] };
}
