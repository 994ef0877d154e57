import { BoundedMap } from './bounded.js';

export interface TtlCacheOptions {
  /** How long an entry is answered from memory before the platform is asked again. */
  ttlMs: number;
  /** Entries kept at most; past it the oldest is forgotten. */
  max: number;
  now?: () => number;
}

/**
 * Answers a platform gave (a user's name, a channel's name) kept for a while: bounded, and
 * expiring so a renamed user or channel is seen again within `ttlMs`.
 */
export class TtlCache<K, V> {
  private readonly entries: BoundedMap<K, { value: V; at: number }>;
  private readonly now: () => number;

  constructor(private readonly o: TtlCacheOptions) {
    this.entries = new BoundedMap(o.max);
    this.now = o.now ?? Date.now;
  }

  /** The value, unless absent or older than the TTL. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.now() - e.at < this.o.ttlMs) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { value, at: this.now() });
  }
}
