import type { RemoteChannelKey } from '../store/index.js';
import type { ChannelGrant } from './private-channel-policy.js';

/** A request to link a channel, and what linking did (shared by the operations and their validator). */
export interface LinkRequest extends RemoteChannelKey {
  /** Room id or alias. */
  room: string;
}

export interface LinkResult extends RemoteChannelKey {
  roomId: string;
  channelName: string;
  /** The channel was already linked to this room: nothing changed. */
  existed: boolean;
  /** Why the actor may link it (a private channel: admin, config or member). */
  grant: ChannelGrant;
}
