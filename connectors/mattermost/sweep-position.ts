/**
 * Where the background sweep over unchanged channels got to (`sweep:{workspace}` in the
 * connector storage), so the next sweep after a restart starts after it instead of at the top.
 */
import type { Logger } from 'pino';
import type { ConnectorStorage } from '../../src/connector/index.js';

/** The position is stored after this many channels swept (and on stop). */
const SAVE_EVERY = 50;

export class SweepPosition {
  private position: string | undefined;
  private loaded = false;
  private sweptSinceSave = 0;

  constructor(
    private readonly storage: ConnectorStorage,
    private readonly workspace: string,
    private readonly log: Logger,
  ) {}

  /** The last channel swept, as stored by this or an earlier process. */
  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      this.position ??= (await this.storage.get(this.key())) || undefined;
      this.loaded = true;
    }
    return this.position;
  }

  noteSwept(channel: string): void {
    this.position = channel;
    if (++this.sweptSinceSave >= SAVE_EVERY) void this.save();
  }

  async save(): Promise<void> {
    if (this.sweptSinceSave === 0 || this.position === undefined) return;
    this.sweptSinceSave = 0;
    await this.storage.set(this.key(), this.position).catch((err: unknown) => {
      this.log.warn({ err: (err as Error).message }, 'could not store the sweep position');
    });
  }

  private key(): string {
    return `sweep:${this.workspace}`;
  }
}
