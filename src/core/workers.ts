import type { Logger } from 'pino';
import type { InboxItem, InboxStore } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import type { Outcome } from './delivery/dispatcher.js';
import { telemetry } from './telemetry.js';

/** Items read per inbox query; a burst in one room is worked through in few queries. */
const BATCH_SIZE = 20;

/**
 * One worker per portal with pending work, so each room's events are delivered strictly
 * in the order they were recorded, while different rooms proceed in parallel.
 */
export class PortalWorkers {
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly inbox: InboxStore,
    private readonly process: (item: InboxItem) => Promise<Outcome>,
    private readonly log: Logger,
  ) {}

  async resume(): Promise<void> {
    this.wake(await this.inbox.portalsWithPending());
  }

  wake(portalIds: number[]): void {
    for (const id of portalIds) {
      if (this.stopped) return;
      if (this.running.has(id)) {
        this.again.add(id);
        continue;
      }
      const timer = this.timers.get(id);
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(id);
      }
      const run = this.drain(id).finally(() => {
        this.running.delete(id);
        if (this.again.delete(id)) this.wake([id]);
      });
      this.running.set(id, run);
    }
  }

  /** Resolves when no worker is busy (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.idle();
  }

  /**
   * Works through a portal's pending items, a batch per query. A batch shorter than asked
   * for means the queue was empty when read: anything recorded since has called wake(),
   * which runs this again, so no query is spent on finding the queue empty.
   */
  private async drain(portalId: number): Promise<void> {
    while (!this.stopped) {
      let batch: InboxItem[];
      try {
        batch = await this.inbox.pendingBatch(portalId, BATCH_SIZE);
      } catch (err) {
        this.log.error(
          { portalId, err: errorMessage(err) },
          'could not read the inbox; retrying soon',
        );
        this.schedule(portalId, Date.now() + 1000);
        return;
      }
      let reread = false;
      for (const item of batch) {
        if (this.stopped) return;
        if (item.nextAttemptAt > Date.now()) {
          this.schedule(portalId, item.nextAttemptAt);
          return;
        }
        const result = await this.runItem(item);
        if (result === 'unrecorded') {
          // The outcome could not be recorded: try the item again later, not in a tight loop.
          this.schedule(portalId, Date.now() + 1000);
          return;
        }
        // A retried item keeps its place (later ones wait behind it); reading again
        // finds it waiting and schedules the worker for its next attempt.
        if (result === 'retry') {
          reread = true;
          break;
        }
      }
      if (!reread && batch.length < BATCH_SIZE) return;
    }
  }

  /** Processes one item and records its outcome. */
  private async runItem(item: InboxItem): Promise<'done' | 'retry' | 'unrecorded'> {
    let outcome: Outcome;
    try {
      outcome = await this.process(item);
    } catch (err) {
      outcome = { status: 'retry', at: Date.now() + 1000, error: errorMessage(err) };
    }
    const delivered = outcome.delivered ?? [];
    try {
      if (outcome.status === 'done') await this.inbox.markDone(item.id, delivered);
      else if (outcome.status === 'failed') {
        await this.inbox.markFailed(item.id, outcome.error, delivered);
        telemetry().deadLettered(item.source);
      } else {
        await this.inbox.scheduleRetry(
          item.id,
          item.attempts + 1,
          outcome.at,
          outcome.error,
          delivered,
        );
        return 'retry';
      }
      return 'done';
    } catch (err) {
      this.log.error({ inboxId: item.id, err: errorMessage(err) }, 'could not update the inbox');
      return 'unrecorded';
    }
  }

  private schedule(portalId: number, at: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(portalId);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(
      () => {
        this.timers.delete(portalId);
        this.wake([portalId]);
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.timers.set(portalId, timer);
  }
}
