import type { ConnectorStorage } from '../../src/connector/index.js';
import { compareTs, isTs, tsToMs } from './ids.js';

const MAX_THREADS = 50;
const THREAD_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Per channel, the threads with recent replies: conversations.history does not show new
 * replies, so a catch-up re-reads these threads. Kept in memory, written through to the
 * connector storage when they change.
 */
export class ActiveThreads {
  private readonly threads = new Map<string, Map<string, string>>();

  constructor(
    private readonly storage: ConnectorStorage,
    private readonly workspace: string,
  ) {}

  private async threadMap(channel: string): Promise<Map<string, string>> {
    let map = this.threads.get(channel);
    if (!map) {
      map = new Map();
      const stored = await this.storage.get(`threads:${this.workspace}:${channel}`);
      try {
        for (const [root, last] of JSON.parse(stored ?? '[]') as Array<[string, string]>) {
          if (isTs(root) && isTs(last)) map.set(root, last);
        }
      } catch {
        // A damaged list only costs thread replies missed while disconnected.
      }
      this.threads.set(channel, map);
    }
    return map;
  }

  /** Roots of threads with replies in the last two weeks, newest activity first. */
  async of(channel: string): Promise<string[]> {
    const map = await this.threadMap(channel);
    const cutoff = Date.now() - THREAD_AGE_MS;
    return [...map]
      .filter(([, last]) => tsToMs(last) > cutoff)
      .sort((a, b) => compareTs(b[1], a[1]))
      .map(([root]) => root);
  }

  async noteReply(channel: string, root: string, ts: string): Promise<void> {
    const map = await this.threadMap(channel);
    const last = map.get(root);
    if (last !== undefined && compareTs(ts, last) <= 0) return;
    map.delete(root);
    map.set(root, ts);
    while (map.size > MAX_THREADS) map.delete(map.keys().next().value!);
    await this.storage.set(`threads:${this.workspace}:${channel}`, JSON.stringify([...map]));
  }
}
