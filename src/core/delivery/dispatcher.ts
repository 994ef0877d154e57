import type { InboxItem } from '../../store/index.js';
import { errorMessage } from '../../util/errors.js';
import type { InboxPayload } from '../inbox-payload.js';
import { classifyFailure, retryDelay, type RetryPolicy } from '../retry.js';
import { Delivery, type TargetFailure } from './delivery.js';
import type { DeliveryDeps } from './deps.js';
import { FailureNotices, failureReport } from './failure-notices.js';
import { deliverMatrixEvent } from './matrix-origin.js';
import { deliverRemoteEvent } from './remote-origin.js';

export type Outcome = (
  | { status: 'done' }
  | { status: 'retry'; at: number; error: string }
  | { status: 'failed'; error: string }
) & {
  /** Targets reached on this attempt whose delivery is recorded with the outcome. */
  delivered?: string[];
};

/**
 * Processes one inbox item: delivers it to every side, then decides whether it is done,
 * must be retried (transient failures, honouring Retry-After), or has failed for good
 * (a notice goes to the room).
 */
export class Dispatcher {
  private readonly notices: FailureNotices | undefined;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly policy: RetryPolicy,
    notices: boolean,
  ) {
    const send = (roomId: string, content: Record<string, unknown>, txn: string) =>
      deps.gateway.sendEvent(deps.gateway.botUserId, roomId, 'm.room.message', content, txn);
    this.notices = notices ? new FailureNotices(send, deps.txnSalt, deps.log) : undefined;
  }

  /** Sends the failure-notice edits still gathered (at shutdown). */
  async flushNotices(): Promise<void> {
    await this.notices?.flush();
  }

  async process(item: InboxItem): Promise<Outcome> {
    const portal = this.deps.directory.portal(item.portalId);
    if (!portal) return { status: 'done' };
    const payload = item.payload as InboxPayload;
    const log = this.deps.log.child({ roomId: portal.roomId, inboxId: item.id });
    const d = Delivery.for(item, this.deps.stores.inbox, log);
    try {
      if (payload.kind === 'matrix') {
        await deliverMatrixEvent(item.id, payload.event, portal, d, this.deps);
      } else {
        await deliverRemoteEvent(item.id, payload.connector, payload.event, portal, d, this.deps);
      }
    } catch (err) {
      // A failure before any target (e.g. ghost registration) counts for the whole item.
      const info = classifyFailure(err);
      d.failures.push({ target: '*', ...info });
    }
    const outcome = await this.decide(item, payload, portal.roomId, d, log);
    return { ...outcome, delivered: d.unrecorded() };
  }

  private async decide(
    item: InboxItem,
    payload: InboxPayload,
    roomId: string,
    d: Delivery,
    log: DeliveryDeps['log'],
  ): Promise<Outcome> {
    if (d.failures.length === 0) {
      await d.complete();
      return { status: 'done' };
    }
    const attempts = item.attempts + 1;
    const transient = d.failures.filter((f) => f.retryable);
    if (transient.length > 0 && attempts < this.policy.maxAttempts) {
      const retryAfter = Math.max(0, ...transient.map((f) => f.retryAfterMs ?? 0));
      const error = summarise(transient);
      log.info({ attempts, reason: error }, 'delivery will be retried');
      return {
        status: 'retry',
        at: Date.now() + retryDelay(this.policy, attempts, retryAfter),
        error,
      };
    }
    const loud = d.failures.filter((f) => !f.quiet);
    if (loud.length === 0) return { status: 'done' };
    const error = summarise(loud);
    // The ids and the sides' own error texts are for the operator; the room gets words.
    log.warn(
      { attempts, reason: error, source: item.source, eventKey: item.eventKey },
      'delivery failed permanently',
    );
    await this.notices
      ?.report(failureReport(item.id, payload, roomId, loud, this.deps.connectors))
      .catch((err: unknown) =>
        log.error({ err: errorMessage(err) }, 'could not send failure notice'),
      );
    return { status: 'failed', error };
  }
}

function summarise(failures: TargetFailure[]): string {
  return failures.map((f) => `${f.target}: ${f.message}`).join('; ');
}
