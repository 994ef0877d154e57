/** Mattermost WebSocket event payloads: their JSON-in-a-string fields, and reactions as common events. */
import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import {
  parseJsonObject,
  type ReactionChange,
  type ReactionEvent,
} from '../../src/connector/index.js';
import { mattermostReactions } from './format/index.js';

/** Posts and reactions arrive as JSON text inside the event's data; undefined when no object. */
export const parseJson = <T>(value: unknown): T | undefined =>
  parseJsonObject(value) as T | undefined;

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
    key: mattermostReactions.toKey(r.emoji_name),
  };
}

/** A reaction change found by comparing a post's reactions: keyed as live when added. */
export function resyncedReaction(
  post: Post,
  c: ReactionChange,
  current: Reaction[],
  workspace: string,
): ReactionEvent {
  const made = current.find((r) => r.user_id === c.user && r.emoji_name === c.reaction);
  const reaction = {
    post_id: post.id,
    user_id: c.user,
    emoji_name: c.reaction,
    create_at: made?.create_at ?? post.update_at,
  };
  const event = reactionEvent(reaction, workspace, post.channel_id, c.added);
  if (c.added) return event;
  return {
    ...event,
    eventKey: `unreact:${post.id}:${c.user}:${c.reaction}:resync:${post.update_at}`,
  };
}
