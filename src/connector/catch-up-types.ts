import type { ChannelRef, RemoteEvent } from './events.js';

/** A channel, or one thread of it, whose catch-up position the core keeps. */
export interface CursorRef extends ChannelRef {
  /** A thread root's native id, for platforms whose threads are read apart; else absent. */
  thread?: string;
}

/**
 * The core's cursor table for one connector: where each channel's catch-up goes on from.
 * A cursor is opaque text the connector chose (a time, a platform timestamp, a page token).
 * Moves are kept in memory and written together shortly after (write-behind), so a crash can
 * lose the last moves: what they covered is fetched again and dropped by event key.
 */
export interface ChannelCursors {
  /** The cursor, or undefined for a channel not caught up yet (it starts at its link time). */
  get(ref: CursorRef): Promise<string | undefined>;
  /**
   * Moves the cursor after what it covers is recorded (emit resolved). Cursors that are
   * decimal numbers (times, `seconds.micros` timestamps) never move back; others are replaced.
   */
  advance(ref: CursorRef, cursor: string): void;
}

/** One answer of a connector's `fetchMessagesSince`. */
export interface MessagesPage {
  /**
   * What happened after the cursor (messages, edits, deletes, reactions) with the keys live
   * delivery uses. The core records them ordered by `ts` (stable: ties keep this order).
   */
  events: RemoteEvent[];
  /** Where the next page (or the next catch-up) starts, once all of `events` is recorded. */
  nextCursor: string;
  /** Whether another page follows right away. */
  hasMore: boolean;
  /**
   * Called once every event of the page is recorded, before the cursor moves: for bookkeeping
   * that must not run ahead of the inbox (e.g. a reaction snapshot).
   */
  recorded?: () => Promise<void>;
}
