import { mattermostAdapter } from './mattermost.js';
import { rocketchatAdapter } from './rocketchat.js';
import { slackAdapter } from './slack.js';
import { teamsAdapter } from './teams.js';
import type { PlatformAdapter } from './types.js';

export type {
  BridgedMessage,
  BridgedPost,
  PlatformActivity,
  MarkupRisks,
  PlatformUser,
  PlatformAdapter,
  PlatformFaults,
  PlatformOptions,
  PlatformWorld,
  RateLimit,
} from './types.js';

/** Every platform the benchmark and the fault suite run against (add one line per connector). */
export const adapters: PlatformAdapter[] = [
  mattermostAdapter,
  rocketchatAdapter,
  slackAdapter,
  teamsAdapter,
];

export function adapterFor(id: string): PlatformAdapter {
  const found = adapters.find((a) => a.id === id);
  if (!found)
    throw new Error(
      `no bench/fault adapter for connector "${id}"; known: ${adapters.map((a) => a.id).join(', ')}`,
    );
  return found;
}
