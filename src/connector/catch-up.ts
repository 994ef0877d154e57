import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';
import { isTransient, retryUntilDone, StopSignal } from './retry-until-done.js';
import type { ChannelCursors, MessagesPage } from './catch-up-types.js';
import type { Connector, LinkedChannel } from './contract.js';
import type { ChannelRef, RemoteEvent } from './events.js';
import { replayOrder } from './replay-order.js';

export interface CatchUpOptions {
  /** Messages asked for per page. */
  pageLimit: number;
  /** Channels of one workspace caught up at once. */
  concurrency: number;
  /** Back-off of a page read that fails transiently (retried until it works or stop). */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_CATCH_UP_OPTIONS: CatchUpOptions = {
  pageLimit: 200,
  concurrency: 4,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
};

export interface CatchUpDeps {
  cursors: ChannelCursors;
  linkedChannels(): Promise<LinkedChannel[]>;
  /** Records an event durably (the intake path live events take, de-duplicated by key). */
  record(event: RemoteEvent): Promise<void>;
  log: Logger;
}

/** A channel's catch-up ended because the bridge is stopping: it did not finish. */
export class CatchUpStopped extends Error {
  constructor() {
    super('the bridge is stopping');
  }
}

type Fetch = NonNullable<Connector['fetchMessagesSince']>;
const keyOf = (ref: ChannelRef): string => JSON.stringify([ref.workspace, ref.channel]);

/**
 * Core-driven catch-up for one connector. After a (re)connection the connector calls
 * `catchUp(workspace)`: every linked channel of it is read forward from its cursor through the
 * connector's `fetchMessagesSince`, page by page, each read retried until it works; a page's
 * events are recorded in the order they happened, and only then does the cursor move. At most
 * one catch-up runs per channel, and a live event of a channel waits for its catch-up
 * (`beforeLive`), running it first if the round has not got to it yet.
 */
export class CatchUpRunner {
  private fetch: Fetch | undefined;
  private readonly opts: CatchUpOptions;
  /** Channels of a round whose catch-up has not started. */
  private readonly pending = new Map<string, LinkedChannel>();
  private readonly running = new Map<string, Promise<void>>();
  /** Per workspace: the round being planned (its channels are not pending yet). */
  private readonly planning = new Map<string, Set<Promise<LinkedChannel[]>>>();
  private readonly stopSignal = new StopSignal();

  constructor(
    private readonly d: CatchUpDeps,
    options: Partial<CatchUpOptions> = {},
  ) {
    this.opts = { ...DEFAULT_CATCH_UP_OPTIONS, ...options };
  }

  /** The connector whose `fetchMessagesSince` reads (none: nothing to catch up). */
  bind(connector: Connector): void {
    this.fetch = connector.fetchMessagesSince?.bind(connector);
  }

  /** Arms the runner again after `stop()` (a connector started anew). */
  start(): void {
    this.stopSignal.reset();
  }

  /** Ends retries and rounds; resolves when the catch-ups running now are over. */
  async stop(): Promise<void> {
    this.stopSignal.stop();
    this.pending.clear();
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
  }

  /**
   * Catches up every linked channel of `workspace` (or those of `channels`); resolves when
   * all are done or stopped.
   */
  async catchUp(workspace: string, channels?: string[]): Promise<void> {
    if (!this.fetch || this.stopSignal.stopped) return;
    const links = await this.plan(workspace, channels);
    const queue = [...links];
    const worker = async (): Promise<void> => {
      for (let link = queue.shift(); link && !this.stopSignal.stopped; link = queue.shift()) {
        const key = keyOf(link);
        const claimed = this.pending.get(key);
        if (!claimed || !this.pending.delete(key)) {
          await this.running.get(key)?.catch(() => undefined); // a live event runs it
          continue;
        }
        await this.exclusive(claimed).catch(() => undefined);
      }
    };
    const size = Math.max(1, Math.min(this.opts.concurrency, links.length));
    await Promise.all(Array.from({ length: size }, worker));
  }

  /** Whether `ref` has a catch-up waiting or running: its cursor is the catch-up's to move. */
  busy(ref: ChannelRef): boolean {
    const key = keyOf(ref);
    return this.pending.has(key) || this.running.has(key) || this.planning.has(ref.workspace);
  }

  /** Marks the linked channels of `workspace` pending; live events wait for this meanwhile. */
  private plan(workspace: string, channels?: string[]): Promise<LinkedChannel[]> {
    const wanted = channels && new Set(channels);
    const planned = (async () => {
      const links = (await this.d.linkedChannels()).filter(
        (l) => l.workspace === workspace && (!wanted || wanted.has(l.channel)),
      );
      for (const link of links) this.pending.set(keyOf(link), link);
      return links;
    })();
    const plans = this.planning.get(workspace) ?? new Set();
    this.planning.set(workspace, plans.add(planned));
    const forget = (): void => {
      plans.delete(planned);
      if (plans.size === 0 && this.planning.get(workspace) === plans)
        this.planning.delete(workspace);
    };
    planned.then(forget, forget);
    return planned;
  }

  /**
   * Before a live event of `ref` is recorded: waits for its channel's catch-up, running it
   * now if it is still pending. Throws only when the bridge stopped before it finished.
   */
  async beforeLive(ref: ChannelRef): Promise<void> {
    const plans = [...(this.planning.get(ref.workspace) ?? [])];
    await Promise.all(plans.map((p) => p.catch(() => undefined)));
    const key = keyOf(ref);
    for (;;) {
      const running = this.running.get(key);
      if (running) {
        await running.catch(() => undefined);
        // Stopped part-way: what it did not replay must not be overtaken by this live event.
        if (this.stopSignal.stopped) throw new CatchUpStopped();
        continue;
      }
      const link = this.pending.get(key);
      if (!link) return;
      this.pending.delete(key);
      await this.exclusive(link).catch((err: unknown) => {
        if (err instanceof CatchUpStopped || this.stopSignal.stopped) throw err;
      });
      return;
    }
  }

  /** One channel's catch-up, after any still running for it; failures are logged here. */
  private exclusive(link: LinkedChannel): Promise<void> {
    const key = keyOf(link);
    const previous = this.running.get(key);
    const task = (async () => {
      if (previous) await previous.catch(() => undefined);
      await this.channel(link).catch((err: unknown) => {
        if (!(err instanceof CatchUpStopped) && !this.stopSignal.stopped)
          this.reportFailure(link, err);
        throw err;
      });
    })();
    this.running.set(key, task);
    const forget = (): void => {
      if (this.running.get(key) === task) this.running.delete(key);
    };
    task.then(forget, forget);
    return task;
  }

  private async channel(link: LinkedChannel): Promise<void> {
    const ref = { workspace: link.workspace, channel: link.channel };
    let cursor = await this.d.cursors.get(ref);
    for (;;) {
      if (this.stopSignal.stopped) throw new CatchUpStopped();
      const page = await this.read(link, cursor);
      for (const event of replayOrder(page.events)) {
        if (event.workspace !== link.workspace || event.channel !== link.channel) {
          this.d.log.warn(
            { ...ref, eventKey: event.eventKey },
            'catch-up page held an event of another channel; not recorded',
          );
          continue;
        }
        await this.d.record(event);
      }
      await page.recorded?.();
      this.d.cursors.advance(ref, page.nextCursor);
      if (!page.hasMore || page.nextCursor === cursor) return;
      cursor = page.nextCursor;
    }
  }

  /** One page, retried with back-off while it fails transiently, until it works or stop. */
  private read(link: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    const fetch = this.fetch as Fetch;
    return retryUntilDone(() => fetch(link, cursor, this.opts.pageLimit), {
      initialDelayMs: this.opts.initialDelayMs,
      maxDelayMs: this.opts.maxDelayMs,
      stopped: () => this.stopSignal.stopped,
      sleep: (ms) => this.stopSignal.sleep(ms),
      onRetry: (err, failures, delayMs) =>
        this.d.log[failures === 1 ? 'warn' : 'debug'](
          {
            workspace: link.workspace,
            channel: link.channel,
            err: errorMessage(err),
            failures,
            retryInMs: delayMs,
          },
          'could not read missed messages of a channel; retrying (its live events wait)',
        ),
    });
  }

  private reportFailure(link: LinkedChannel, err: unknown): void {
    this.d.log.error(
      {
        workspace: link.workspace,
        channel: link.channel,
        err: errorMessage(err),
        transient: isTransient(err),
      },
      'cannot read missed messages of a linked channel (check the bot can still read it); its cursor stays, so the next connection replays them',
    );
  }
}
