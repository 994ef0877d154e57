import type { ChannelVisibility } from '../../src/connector/index.js';

/**
 * Who can read a Mattermost channel, by its type: `O` open, `P` private, `D` direct and `G`
 * group messages. An unknown type counts as private, so it is never bridged by mistake.
 */
export function channelVisibility(type: string): ChannelVisibility {
  if (type === 'O') return 'public';
  if (type === 'D' || type === 'G') return 'direct';
  return 'private';
}

/** What a channel picker shows for a direct or group message (they have no display name). */
export function directChannelName(ch: {
  type: string;
  display_name?: string;
  name: string;
}): string {
  const who = ch.display_name || ch.name;
  return ch.type === 'D' ? `Direct message ${who}` : `Group message ${who}`;
}
