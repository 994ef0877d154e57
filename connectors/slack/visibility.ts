import type { ChannelVisibility } from '../../src/connector/index.js';

/** The flags of a Slack conversation object that say who can read it. */
export interface SlackConversationFlags {
  is_private?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
}

/**
 * Who can read a Slack conversation: direct and group direct messages, private channels, or
 * public channels. Only an explicit `is_private: false` makes a channel public, so a
 * conversation without the flags is never taken for public.
 */
export function conversationVisibility(c: SlackConversationFlags): ChannelVisibility {
  if (c.is_im || c.is_mpim) return 'direct';
  return c.is_private === false ? 'public' : 'private';
}
