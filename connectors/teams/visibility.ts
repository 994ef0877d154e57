import type { ChannelVisibility } from '../../src/connector/index.js';
import type { ConversationKind } from './ids.js';

/**
 * Who can read a Teams conversation: chats (one-to-one and group) are direct; a channel is
 * public to its team when its membershipType is `standard`, private when `private` or
 * `shared` (own member lists), and counted as private when Graph did not say.
 */
export function conversationVisibility(
  kind: ConversationKind,
  membershipType: string | null | undefined,
): ChannelVisibility {
  if (kind !== 'channel') return 'direct';
  return membershipType === 'standard' ? 'public' : 'private';
}
