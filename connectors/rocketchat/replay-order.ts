import type { Change } from './sync.js';
import { toMs } from './types.js';

export interface ReplayPlan {
  /** Changed messages by creation (`ts`, then id): each brings its current text and reactions. */
  updated: Array<Extract<Change, { kind: 'updated' }>>;
  /** Deletions after every message (a deleted message was created before it was deleted). */
  deleted: Array<Extract<Change, { kind: 'deleted' }>>;
  /** Where the room's cursor may move once all of the above is recorded. */
  cursor: number | undefined;
}

/**
 * Orders one catch-up's changes for replay. `chat.syncMessages` lists them by last update,
 * so a message created while the bridge was away and edited or reacted to later would come
 * after newer messages; replayed by creation, Matrix sees them in the order they were written.
 */
export function planReplay(changes: readonly Change[]): ReplayPlan {
  const updated = changes.filter((c) => c.kind === 'updated');
  const deleted = changes.filter((c) => c.kind === 'deleted');
  const created = (c: (typeof updated)[number]) => toMs(c.message.ts) ?? c.time;
  updated.sort(
    (a, b) => created(a) - created(b) || (a.message._id ?? '').localeCompare(b.message._id ?? ''),
  );
  deleted.sort((a, b) => a.time - b.time);
  const times = changes.map((c) => c.time);
  return { updated, deleted, cursor: times.length ? Math.max(...times) : undefined };
}
