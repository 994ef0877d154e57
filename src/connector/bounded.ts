/**
 * Memory of recent things (events already emitted, posts the bridge deleted itself, what a
 * message looked like last time) that must not grow without end: past `max` entries the
 * oldest is forgotten. Setting or adding an entry again makes it the newest.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new RangeError('a bounded map holds at least one entry');
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  /** The entries, oldest first. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}

/** A set that forgets its oldest members beyond `max`. */
export class BoundedSet<T> {
  private readonly items: BoundedMap<T, true>;

  constructor(max: number) {
    this.items = new BoundedMap(max);
  }

  add(item: T): void {
    this.items.set(item, true);
  }

  has(item: T): boolean {
    return this.items.has(item);
  }

  delete(item: T): boolean {
    return this.items.delete(item);
  }

  get size(): number {
    return this.items.size;
  }
}
