import type { Logger } from 'pino';
import type { InboxStore } from '../../store/index.js';
import { classifyFailure, type FailureInfo } from '../retry.js';
import { sideOfTarget, telemetry } from '../telemetry.js';
import { connectionOfTarget, traffic } from '../traffic.js';

export interface TargetFailure extends FailureInfo {
  target: string;
}

/**
 * Tracks one inbox item's deliveries. Each target runs at most once successfully: a
 * success is recorded, so a retried item skips it. Failures are collected, not thrown,
 * so one broken side never stops the others.
 *
 * A success is recorded just before the next target's work starts, or else together with
 * the item's outcome (`unrecorded()`): the same guarantee as recording it at once, one
 * database round trip fewer per message.
 */
export class Delivery {
  readonly failures: TargetFailure[] = [];
  private readonly completions: Array<() => Promise<void>> = [];
  private pending: string[] = [];

  constructor(
    private readonly inboxId: number,
    private readonly delivered: Set<string>,
    private readonly inbox: InboxStore,
    private readonly log: Logger,
  ) {}

  static for(item: { id: number; delivered: string[] }, inbox: InboxStore, log: Logger): Delivery {
    return new Delivery(item.id, new Set(item.delivered), inbox, log);
  }

  /**
   * Records a step that is no delivery (e.g. "this side's refusal is audited") with the
   * item's outcome, whatever it is, so a retry does not do it again.
   */
  mark(target: string): void {
    if (this.delivered.has(target)) return;
    this.delivered.add(target);
    this.pending.push(target);
  }

  /** Every target done so far, on this attempt or earlier ones. */
  targets(): string[] {
    return [...this.delivered];
  }

  failed(target: string): boolean {
    return this.failures.some((f) => f.target === target);
  }

  async to(target: string, work: () => Promise<void>): Promise<void> {
    if (this.delivered.has(target)) return;
    const started = performance.now();
    try {
      await this.recordPending();
      await work();
      this.pending.push(target);
      this.delivered.add(target);
      telemetry().delivered(sideOfTarget(target), (performance.now() - started) / 1000);
      const connection = connectionOfTarget(target);
      if (connection) traffic().record(connection.connector, connection.workspace, 'out');
    } catch (err) {
      const info = classifyFailure(err);
      telemetry().deliveryFailed(sideOfTarget(target), info.retryable);
      this.log.debug(
        { target, retryable: info.retryable, reason: info.message },
        'delivery failed',
      );
      this.failures.push({ target, ...info });
    }
  }

  /** Successes not written yet: the caller records them with the item's outcome. */
  unrecorded(): string[] {
    return [...this.pending];
  }

  private async recordPending(): Promise<void> {
    for (const target of this.pending) await this.inbox.recordDelivery(this.inboxId, target);
    this.pending = [];
  }

  /** Runs once every target has succeeded (e.g. forgetting a deleted message). */
  onComplete(fn: () => Promise<void>): void {
    this.completions.push(fn);
  }

  async complete(): Promise<void> {
    for (const fn of this.completions) await fn();
  }
}
