import type { Logger } from 'pino';

/** Distinct client addresses remembered per window: enough to recognise a source. */
const SAMPLE_CLIENTS = 3;
/** Distinct clients counted per window; past this the count says "at least". */
const COUNTED_CLIENTS = 1000;

interface Window {
  route: string;
  reason: string;
  endsAt: number;
  /** Refusals after the first of the window, not logged yet. */
  held: number;
  clients: Set<string>;
}

/**
 * Refused requests (wrong token or signature, over a cap, too slow) logged as summaries: the
 * first refusal of a route and reason is logged at once, the rest of that interval as one
 * line with a count and sample clients. Whoever floods the listener with bad requests cannot
 * flood the log with them too.
 */
export class RefusalLog {
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** One refused request on `route` (a fixed label, not a raw path) for `reason`. */
  note(route: string, reason: string, client: string | undefined): void {
    const key = `${route}\u0000${reason}`;
    const open = this.windows.get(key);
    const at = this.now();
    if (open && at < open.endsAt) {
      open.held += 1;
      if (open.clients.size < COUNTED_CLIENTS) open.clients.add(client ?? 'unknown');
      return;
    }
    if (open) this.report(open);
    this.windows.set(key, {
      route,
      reason,
      endsAt: at + this.intervalMs,
      held: 0,
      clients: new Set(),
    });
    this.log.warn(
      { route, reason, client, summary_interval_s: this.intervalMs / 1000 },
      'request refused; more refusals like it are summarised once per interval',
    );
    this.schedule();
  }

  /** Logs what every window holds (at shutdown, or when a test wants it now). */
  flush(): void {
    for (const window of this.windows.values()) this.report(window);
    this.windows.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private report(window: Window): void {
    if (window.held === 0) return;
    const clients = [...window.clients];
    this.log.warn(
      {
        route: window.route,
        reason: window.reason,
        count: window.held,
        clients: clients.length,
        sample_clients: clients.slice(0, SAMPLE_CLIENTS),
        interval_s: this.intervalMs / 1000,
      },
      'requests refused (summary)',
    );
    window.held = 0;
    window.clients.clear();
  }

  /** Reports windows as they end; stops when none is open, so an idle bridge has no timer. */
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const at = this.now();
      for (const [key, window] of this.windows) {
        if (at < window.endsAt) continue;
        this.report(window);
        this.windows.delete(key);
      }
      if (this.windows.size > 0) this.schedule();
    }, this.intervalMs);
    this.timer.unref();
  }
}
