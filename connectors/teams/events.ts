/**
 * The RemoteEvents of Teams changes, built alike for live activities and for the Graph
 * catch-up, so a change seen both ways has one key and the core records it once:
 * `msg:{id}`, `edit:{id}:{ms}`, `del:{id}`, `react|unreact:{id}:{user}:{type}:{ms}`.
 */
import type {
  DeleteEvent,
  EditEvent,
  InboundContent,
  MessageEvent,
  ReactionEvent,
} from '../../src/connector/index.js';
import { teamsReactionToKey } from './format/index.js';

/** Which message a change is about, and when it happened (ms). */
export interface ChangeOf {
  workspace: string;
  channel: string;
  messageId: string;
  ts: number;
}

export function messageEvent(
  at: ChangeOf,
  userId: string,
  content: InboundContent,
  threadRoot: string | undefined,
): MessageEvent {
  const key = `msg:${at.messageId}`;
  return { ...at, kind: 'message', eventKey: key, sender: { userId }, content, threadRoot };
}

export function editEvent(at: ChangeOf, userId: string, content: InboundContent): EditEvent {
  const key = `edit:${at.messageId}:${at.ts}`;
  return { ...at, kind: 'edit', eventKey: key, sender: { userId }, content };
}

/** The key of a message's deletion: once it is passed on, nothing more of the message is. */
export const deleteKey = (messageId: string): string => `del:${messageId}`;

export function deleteEvent(at: ChangeOf): DeleteEvent {
  return { ...at, kind: 'delete', eventKey: deleteKey(at.messageId) };
}

/** `type` is Teams' reaction type (`like`, or an emoji). */
export function reactionEvent(
  at: ChangeOf,
  userId: string,
  type: string,
  added: boolean,
): ReactionEvent {
  return {
    ...at,
    kind: added ? 'reaction' : 'reaction_remove',
    eventKey: `${added ? 'react' : 'unreact'}:${at.messageId}:${userId}:${type}:${at.ts}`,
    sender: { userId },
    key: teamsReactionToKey(type),
  };
}
