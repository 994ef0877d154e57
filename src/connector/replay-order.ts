import type { RemoteEvent } from './events.js';

/**
 * The order in which a catch-up page is recorded: by the time each event happened (a
 * message at its creation, an edit at its edit, …), so Matrix sees a channel's history as it
 * was written, even when the platform lists it by last change. Equal times keep the
 * connector's order (a stable sort), which puts a message before what happened to it.
 */
export function replayOrder(events: readonly RemoteEvent[]): RemoteEvent[] {
  return events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => a.event.ts - b.event.ts || a.i - b.i)
    .map(({ event }) => event);
}
