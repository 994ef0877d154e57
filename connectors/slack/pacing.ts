const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Lane {
  chain: Promise<void>;
  tokens: number;
  at: number;
}

/**
 * Slack accepts about one message per second per channel (short bursts pass). Posts to a
 * channel go through its lane one after another, each waiting for a token, so a burst from
 * Matrix is spread out in order instead of being refused.
 */
export class ChannelPacer {
  private readonly lanes = new Map<string, Lane>();

  // A tenth below Slack's rate: our clock starts before Slack sees the request.
  constructor(
    private readonly perSecond = 1 / 1.1,
    private readonly burst = 3,
  ) {}

  run<T>(channel: string, post: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(channel);
    if (!lane) {
      lane = { chain: Promise.resolve(), tokens: this.burst, at: Date.now() };
      this.lanes.set(channel, lane);
    }
    const current = lane;
    const result = current.chain.then(async () => {
      await this.take(current);
      return post();
    });
    current.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async take(lane: Lane): Promise<void> {
    for (;;) {
      const now = Date.now();
      lane.tokens = Math.min(this.burst, lane.tokens + ((now - lane.at) / 1000) * this.perSecond);
      lane.at = now;
      if (lane.tokens >= 1) {
        lane.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - lane.tokens) / this.perSecond) * 1000));
    }
  }
}

/** A bounded map that forgets its oldest entries first. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }
}
