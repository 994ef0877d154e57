import type { ChannelVisibility } from '../../src/connector/index.js';
import type { WireRoom } from './types.js';

/**
 * Who can read a Rocket.Chat room, by its type: `c` public channel, `p` private group, `d`
 * direct message. Any other type (or none) counts as private, so it is never bridged by mistake.
 */
/** A room's name for pickers; direct messages are named by their members. */
export function roomName(r: WireRoom): string {
  if (r.t === 'd' && r.usernames?.length) return `Direct message ${r.usernames.join(', ')}`;
  return r.fname || r.name || r._id || '';
}

export function roomVisibility(t: string | undefined): ChannelVisibility {
  if (t === 'c') return 'public';
  if (t === 'd') return 'direct';
  return 'private';
}
