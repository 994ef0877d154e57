import type { Logger } from 'pino';
import type { ChannelCursors, CursorRef } from './catch-up-types.js';
import { movesForward } from './cursor-order.js';

/** A cursor as the core's table holds it. */
export interface CursorRow {
  workspace: string;
  channel: string;
  /** '' for the whole channel. */
  thread: string;
  cursor: string;
}

/** Durable home of one connector's cursors (the core's `channel_cursors` table). */
export interface CursorRows {
  load(): Promise<CursorRow[]>;
  /** Inserts or replaces each row, all or none. */
  save(rows: CursorRow[]): Promise<void>;
}

/** Dirty cursors are written at most this often: a crash loses at most this much of moves. */
export const CURSOR_FLUSH_MS = 1000;

const keyOf = (ref: CursorRef): string =>
  JSON.stringify([ref.workspace, ref.channel, ref.thread ?? '']);

/**
 * One connector's cursors, in memory, written behind: `advance` only marks the cursor dirty,
 * and dirty cursors are saved together `flushMs` later and on `flush()` (stop), never on the
 * event's own path. Callers advance only after what the cursor covers is recorded in the
 * inbox, so a saved cursor is never ahead of the inbox; a failed save keeps the cursors dirty
 * and tries again at the next interval.
 */
export class CursorBook implements ChannelCursors {
  private readonly cursors = new Map<string, CursorRow>();
  private readonly dirty = new Set<string>();
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly rows: CursorRows,
    private readonly log: Logger,
    private readonly flushMs = CURSOR_FLUSH_MS,
  ) {}

  async get(ref: CursorRef): Promise<string | undefined> {
    await this.load();
    return this.cursors.get(keyOf(ref))?.cursor;
  }

  advance(ref: CursorRef, cursor: string): void {
    const key = keyOf(ref);
    if (!movesForward(this.cursors.get(key)?.cursor, cursor)) return;
    const row = { workspace: ref.workspace, channel: ref.channel, thread: ref.thread ?? '' };
    this.cursors.set(key, { ...row, cursor });
    this.dirty.add(key);
    this.schedule();
  }

  /** Saves every dirty cursor now (and cancels the pending timed save); throws its failure. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.writing.then(() => this.write());
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Reads the table once (later calls reuse the first read; a failed read is tried again). */
  private load(): Promise<void> {
    this.loading ??= this.read().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    for (const row of await this.rows.load()) {
      const key = keyOf(row);
      // A cursor moved before the read finished is newer than the stored one.
      if (!this.cursors.has(key)) this.cursors.set(key, row);
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const run = this.writing.then(() => this.write());
      this.writing = run.catch((err: unknown) => {
        this.log.warn(
          { err: (err as Error).message },
          'could not store catch-up cursors; retrying',
        );
      });
    }, this.flushMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const keys = [...this.dirty];
    if (keys.length === 0) return;
    this.dirty.clear();
    try {
      await this.rows.save(keys.map((k) => this.cursors.get(k) as CursorRow));
    } catch (err) {
      for (const k of keys) this.dirty.add(k);
      this.schedule();
      throw err;
    }
  }
}
