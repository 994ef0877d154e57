import type { RemoteChannelKey } from '../store/index.js';

/**
 * Names for the console's lists: a Matrix room's name, a channel's name on its platform.
 * Looked up once and kept for a while, so a console refreshing every 15 s costs no Matrix or
 * platform request per row per refresh. A list waits a short moment for names it has not
 * seen yet; a lookup still running then fills the cache for the next refresh.
 */

const KEEP_MS = 5 * 60_000;
/** A failed lookup (room unreadable, platform down) is tried again sooner. */
const KEEP_FAILED_MS = 60_000;
const WAIT_MS = 2_000;

interface Entry {
  name: string | undefined;
  until: number;
}

export class NameCache {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly lookup: (key: string) => Promise<string | undefined>,
    private readonly now: () => number = Date.now,
    private readonly waitMs = WAIT_MS,
    /** A failed lookup: the list shows the id instead, the log says why. */
    private readonly onFailure: (key: string, err: unknown) => void = () => undefined,
  ) {}

  /** The names of `keys` (undefined when unknown), waiting at most a moment for new ones. */
  async names(keys: readonly string[]): Promise<Map<string, string | undefined>> {
    const now = this.now();
    const pending = [...new Set(keys)]
      .filter((k) => !((this.entries.get(k)?.until ?? 0) > now))
      .map((k) => this.start(k));
    if (pending.length > 0) await waitAtMost(Promise.all(pending), this.waitMs);
    return new Map(keys.map((k) => [k, this.entries.get(k)?.name]));
  }

  /** Forgets a name that changed (e.g. a link was made or removed). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private start(key: string): Promise<void> {
    const running = this.running.get(key);
    if (running) return running;
    const work = this.lookup(key)
      .then(
        (name) => this.entries.set(key, { name, until: this.now() + KEEP_MS }),
        (err: unknown) => {
          this.onFailure(key, err);
          this.entries.set(key, { name: undefined, until: this.now() + KEEP_FAILED_MS });
        },
      )
      .then(() => undefined)
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }
}

function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** A channel as one cache key (JSON: no separator a channel id could contain breaks it). */
export function keyOfChannel(c: RemoteChannelKey): string {
  return JSON.stringify([c.connector, c.workspace, c.channel]);
}

export function channelOfKey(key: string): RemoteChannelKey {
  const [connector, workspace, channel] = JSON.parse(key) as [string, string, string];
  return { connector, workspace, channel };
}
