/**
 * The reconnect loop of a platform's event connection (WebSocket, DDP, Socket Mode): after a
 * connection is lost or refused, the next attempt waits the toolkit's back-off; once one
 * succeeds the back-off starts over; a stop cancels the pending attempt.
 */
import { Backoff, type BackoffPolicy } from './backoff.js';

export interface ReconnectorOptions {
  /**
   * The first attempt after a connection that had come up is made at once (a platform that
   * asks clients to reconnect means now); only repeated failures back off.
   */
  firstRetryAtOnce?: boolean;
}

export class Reconnector {
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private stoppedFlag = true;
  private retriedAtOnce = false;

  constructor(
    policy: BackoffPolicy,
    private readonly attempt: () => void,
    private readonly o: ReconnectorOptions = {},
  ) {
    this.backoff = new Backoff(policy);
  }

  /** True before start() and after stop(): a closing connection is then not retried. */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** Makes the first attempt now. */
  start(): void {
    this.stoppedFlag = false;
    this.attempt();
  }

  /** The connection is up: the next failure starts the back-off over. */
  connected(): void {
    this.backoff.reset();
    this.retriedAtOnce = false;
  }

  /**
   * A connection failed or was lost: the next attempt after the back-off, or after `atLeastMs`
   * when that is longer (a server's Retry-After, a refused login).
   */
  retry(atLeastMs = 0): void {
    if (this.stoppedFlag) return;
    clearTimeout(this.timer);
    const atOnce = this.o.firstRetryAtOnce === true && !this.retriedAtOnce;
    this.retriedAtOnce = true;
    const delay = atOnce ? atLeastMs : this.backoff.next(atLeastMs);
    this.timer = setTimeout(() => {
      if (!this.stoppedFlag) this.attempt();
    }, delay);
  }

  stop(): void {
    this.stoppedFlag = true;
    clearTimeout(this.timer);
  }
}

/**
 * A connection's work in arrival order, one task at a time. A task that fails (an event that
 * could not be recorded) must not be skipped: `onFailure` drops the connection, and the
 * catch-up after the reconnect reads what the failed task was about.
 */
export class OrderedTasks {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onFailure: (err: unknown) => void) {}

  run(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch((err: unknown) => this.onFailure(err));
  }

  /** Resolves once every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
