import type { InboundContent } from '../model/message.js';

/** A channel on a platform: the connector owns the meaning of workspace and channel ids. */
export interface ChannelRef {
  workspace: string;
  channel: string;
}

interface RemoteEventBase extends ChannelRef {
  /**
   * Stable key for this event, unique within the connector. The same platform event
   * replayed (reconnect, resync, webhook retry) must carry the same key: the core
   * processes each key once.
   */
  eventKey: string;
  /** Milliseconds since the epoch, from the platform. */
  ts: number;
}

/** A remote user who acted. The core turns it into a ghost and syncs the profile lazily. */
export interface RemoteSender {
  userId: string;
  /** A name carried by the event itself (e.g. a webhook override), if any. */
  displayName?: string;
}

export interface MessageEvent extends RemoteEventBase {
  kind: 'message';
  messageId: string;
  sender: RemoteSender;
  content: InboundContent;
  /** The message this one replies to (same channel). */
  replyTo?: string;
  /** The root of the thread this message belongs to (same channel). */
  threadRoot?: string;
}

export interface EditEvent extends RemoteEventBase {
  kind: 'edit';
  messageId: string;
  sender: RemoteSender;
  content: InboundContent;
}

export interface DeleteEvent extends RemoteEventBase {
  kind: 'delete';
  messageId: string;
}

export interface ReactionEvent extends RemoteEventBase {
  kind: 'reaction' | 'reaction_remove';
  messageId: string;
  sender: RemoteSender;
  /** Unicode emoji where the platform's name maps to one, else `:name:`. */
  key: string;
}

export type RemoteEvent = MessageEvent | EditEvent | DeleteEvent | ReactionEvent;
