/**
 * What a Matrix client sees, and when: a /sync long-poll loop that stamps every message
 * event with the wall-clock time it became visible. Both the bridge and the raw homeserver
 * baseline are measured through it, so its own overhead cancels out.
 */
export interface Seen {
  eventId: string;
  roomId: string;
  sender: string;
  body: string;
  /** Epoch ms (fractional) when the sync response carrying it arrived. */
  at: number;
}

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      {
        timeline?: {
          events?: Array<{
            event_id: string;
            sender: string;
            type: string;
            content?: { body?: unknown };
          }>;
          limited?: boolean;
          prev_batch?: string;
        };
      }
    >;
  };
}

const FILTER = JSON.stringify({
  presence: { not_types: ['*'] },
  account_data: { not_types: ['*'] },
  room: {
    state: { lazy_load_members: true, types: [] },
    ephemeral: { not_types: ['*'] },
    account_data: { not_types: ['*'] },
    timeline: { types: ['m.room.message'], limit: 1000 },
  },
});

export const now = (): number => performance.timeOrigin + performance.now();

export class SyncObserver {
  readonly seen: Seen[] = [];
  private since: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  /** Timelines that came back "limited": some events were not handed over (should stay 0). */
  gaps = 0;

  constructor(
    private readonly hsUrl: string,
    private readonly accessToken: string,
  ) {}

  private async sync(timeoutMs: number): Promise<SyncResponse> {
    const q = new URLSearchParams({ filter: FILTER, timeout: String(timeoutMs) });
    if (this.since) q.set('since', this.since);
    const res = await fetch(`${this.hsUrl}/_matrix/client/v3/sync?${q}`, {
      headers: { authorization: `Bearer ${this.accessToken}` },
    });
    if (!res.ok) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as SyncResponse;
  }

  /** Catches up to now (nothing before this counts), then follows in the background. */
  async start(): Promise<void> {
    this.since = (await this.sync(0)).next_batch;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let r: SyncResponse;
        try {
          r = await this.sync(5000);
        } catch {
          await new Promise((res) => setTimeout(res, 200));
          continue;
        }
        const at = now();
        this.since = r.next_batch;
        for (const [roomId, room] of Object.entries(r.rooms?.join ?? {})) {
          if (room.timeline?.limited) this.gaps++;
          for (const e of room.timeline?.events ?? []) {
            this.seen.push({
              eventId: e.event_id,
              roomId,
              sender: e.sender,
              body: typeof e.content?.body === 'string' ? e.content.body : '',
              at,
            });
          }
        }
        for (const w of this.waiters) w();
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves with the first message whose body is `body`, once seen. */
  async waitForBody(body: string, timeoutMs = 60_000): Promise<Seen> {
    return this.waitFor((s) => s.body === body, 1, timeoutMs).then((l) => l[0] as Seen);
  }

  /** Resolves once `count` seen messages match. */
  waitFor(match: (s: Seen) => boolean, count: number, timeoutMs: number): Promise<Seen[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.seen.filter(match);
        if (found.length < count) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`sync: ${this.seen.filter(match).length}/${count} seen after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      this.waiters.add(waiter);
      check();
    });
  }
}
