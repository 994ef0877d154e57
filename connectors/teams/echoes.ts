/**
 * What the bridge itself did in Teams, so it is not bridged back: messages it posted (as the
 * bot or as a linked user), edits, deletions and reactions it made through Graph; plus the
 * event keys already emitted (live delivery and catch-up see the same changes) and puppet
 * sends still in flight (their activity can arrive before Graph answers the POST).
 */

import { BoundedMap, BoundedSet, TtlCache } from '../../src/connector/index.js';

const OWN_CHANGE_WINDOW_MS = 60_000;

export class Echoes {
  readonly messages = new BoundedSet<string>(20_000);
  readonly emitted = new BoundedSet<string>(50_000);
  /** When the bridge edited a message (ms): Graph shows the edit at about that time. */
  private readonly edits = new BoundedMap<string, number>(5_000);
  private readonly deletes = new BoundedSet<string>(5_000);
  private readonly reactions = new TtlCache<string, true>({
    ttlMs: OWN_CHANGE_WINDOW_MS,
    max: 5_000,
  });
  private readonly inflight = new Map<string, Set<Promise<unknown>>>();

  noteEdit(messageId: string): void {
    this.edits.set(messageId, Date.now());
  }

  /** An edit of `messageId` at `ts` made by the bridge (within a minute of its own PATCH). */
  isOwnEdit(messageId: string, ts: number): boolean {
    const at = this.edits.get(messageId);
    return at !== undefined && Math.abs(ts - at) < OWN_CHANGE_WINDOW_MS;
  }

  noteDelete(messageId: string): void {
    this.deletes.add(messageId);
  }

  isOwnDelete(messageId: string): boolean {
    return this.deletes.has(messageId);
  }

  noteReaction(messageId: string, userId: string, type: string): void {
    this.reactions.set(`${messageId}|${userId}|${type}`, true);
  }

  /** A reaction the bridge made within the last minute. */
  isOwnReaction(messageId: string, userId: string, type: string): boolean {
    return this.reactions.get(`${messageId}|${userId}|${type}`) === true;
  }

  /** Tracks a puppet send into `channel` until it settles. */
  track<T>(channel: string, p: Promise<T>): Promise<T> {
    let set = this.inflight.get(channel);
    if (!set) this.inflight.set(channel, (set = new Set()));
    set.add(p);
    const done = () => {
      set.delete(p);
      if (set.size === 0) this.inflight.delete(channel);
    };
    p.then(done, done);
    return p;
  }

  /** Waits for puppet sends into `channel` that started before now. */
  async settled(channel: string): Promise<void> {
    const set = this.inflight.get(channel);
    if (set) await Promise.allSettled([...set]);
  }
}
