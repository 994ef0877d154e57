/** Mattermost WebSocket event payloads: their JSON-in-a-string fields, and reactions as common events. */
import type { Reaction } from '@mattermost/types/reactions';
import type { ReactionEvent } from '../../src/connector/events.js';
import { emojiNameToUnicode } from './format/index.js';

/** Posts and reactions arrive as JSON text inside the event's data; undefined when not JSON. */
export function parseJson<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

export function reactionEvent(
  r: Pick<Reaction, 'post_id' | 'user_id' | 'emoji_name' | 'create_at'>,
  workspace: string,
  channel: string,
  added: boolean,
): ReactionEvent {
  return {
    kind: added ? 'reaction' : 'reaction_remove',
    workspace,
    channel,
    eventKey: `${added ? 'react' : 'unreact'}:${r.post_id}:${r.user_id}:${r.emoji_name}:${r.create_at}`,
    ts: r.create_at,
    messageId: r.post_id,
    sender: { userId: r.user_id },
    key: emojiNameToUnicode(r.emoji_name) ?? `:${r.emoji_name}:`,
  };
}
