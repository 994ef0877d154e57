import type { Logger } from 'pino';
import type { ConnectorStorage } from '../../src/connector/index.js';

/** How many storage keys hold a workspace's cursors. */
export const CURSOR_SHARDS = 32;
/** Dirty cursors are written at most this often (so at most once per second per channel). */
export const CURSOR_FLUSH_MS = 1000;

/** FNV-1a over the channel id: which shard holds its cursor. */
export function shardOf(channel: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < channel.length; i++) {
    h ^= channel.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % CURSOR_SHARDS;
}

/**
 * The resync cursor of every channel of one workspace: the newest `update_at` recorded (the
 * `since` of its next resync), kept in memory.
 *
 * Stored in `CURSOR_SHARDS` keys (`cursors:{workspace}:{n}`, a JSON object channel → cursor),
 * so a start reads every cursor with a few queries however many channels are linked, and
 * written behind: moving a cursor only marks its shard dirty, and dirty shards are written
 * together `flushMs` later, never on the event's own path. A crash loses at most the last
 * second of moves; those events are replayed at the next start and the core's inbox drops
 * them by key. `flushNow()` (on stop) writes everything.
 *
 * Cursors written by earlier versions (`cursor:{workspace}:{channel}`, one key per channel)
 * are read once with `adoptLegacy` and then live in their shard.
 *
 * Also keeps where the last background sweep got to (`sweep:{workspace}`), so the next one
 * starts with the channels it did not reach.
 */
export class CursorStore {
  private readonly shards: Array<Map<string, number>> = Array.from(
    { length: CURSOR_SHARDS },
    () => new Map(),
  );
  private readonly dirty = new Set<number>();
  private position: string | undefined;
  private positionDirty = false;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: ConnectorStorage,
    private readonly workspace: string,
    private readonly log: Logger,
    private readonly flushMs = CURSOR_FLUSH_MS,
  ) {}

  /** Reads every shard once (later calls reuse the first read). */
  load(): Promise<void> {
    this.loading ??= this.read().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  get(channel: string): number | undefined {
    return this.shards[shardOf(channel)]?.get(channel);
  }

  /** The cursor, or one stored by an earlier version under its own key (then moved here). */
  async adoptLegacy(channel: string): Promise<number | undefined> {
    const known = this.get(channel);
    if (known !== undefined) return known;
    const raw = await this.storage.get(`cursor:${this.workspace}:${channel}`);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) return undefined;
    this.move(channel, value);
    return this.get(channel);
  }

  /** Moves the cursor forward (never back); written within `flushMs`. */
  move(channel: string, updateAt: number): void {
    const i = shardOf(channel);
    const shard = this.shards[i] as Map<string, number>;
    const current = shard.get(channel);
    if (current !== undefined && updateAt <= current) return;
    shard.set(channel, updateAt);
    this.dirty.add(i);
    this.schedule();
  }

  get sweepPosition(): string | undefined {
    return this.position;
  }

  set sweepPosition(channel: string | undefined) {
    if (channel === this.position) return;
    this.position = channel;
    this.positionDirty = true;
    this.schedule();
  }

  /** Writes everything dirty now (and cancels the pending timed write). */
  flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.writing.then(() => this.write());
    this.writing = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const run = this.writing.then(() => this.write());
      this.writing = run.catch((err: unknown) => {
        this.log.warn(
          { workspace: this.workspace, err: (err as Error).message },
          'could not store resync cursors; retrying',
        );
      });
    }, this.flushMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const shards = [...this.dirty];
    this.dirty.clear();
    const position = this.positionDirty ? this.position : undefined;
    this.positionDirty = false;
    let done = 0;
    try {
      for (const i of shards) {
        const entries = Object.fromEntries(this.shards[i] as Map<string, number>);
        await this.storage.set(this.shardKey(i), JSON.stringify(entries));
        done++;
      }
      if (position !== undefined) await this.storage.set(this.positionKey(), position);
    } catch (err) {
      for (const i of shards.slice(done)) this.dirty.add(i);
      if (position !== undefined && !this.positionDirty) this.positionDirty = true;
      this.schedule();
      throw err;
    }
  }

  private async read(): Promise<void> {
    const raws = await Promise.all(
      Array.from({ length: CURSOR_SHARDS }, (_, i) => this.storage.get(this.shardKey(i))),
    );
    raws.forEach((raw, i) => {
      if (!raw) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        this.log.warn({ workspace: this.workspace, shard: i }, 'ignoring damaged cursor shard');
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const shard = this.shards[i] as Map<string, number>;
      for (const [channel, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        // Memory wins when it is ahead (a cursor moved before this read finished).
        if (value > (shard.get(channel) ?? Number.NEGATIVE_INFINITY)) shard.set(channel, value);
      }
    });
    if (this.position === undefined) {
      this.position = (await this.storage.get(this.positionKey())) || undefined;
    }
  }

  private shardKey(i: number): string {
    return `cursors:${this.workspace}:${i}`;
  }

  private positionKey(): string {
    return `sweep:${this.workspace}`;
  }
}
