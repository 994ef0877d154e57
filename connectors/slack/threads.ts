import type { SlackApi } from './api.js';
import { isTs } from './ids.js';
import { BoundedMap } from '../../src/connector/index.js';
import type { SlackMessage } from './types.js';

/**
 * Which thread a message belongs to. Slack threads are one level deep and a reply must name
 * the thread's root, so the root of a message the bridge saw or posted is remembered; others
 * are looked up with conversations.replies (which accepts any message of a thread).
 */
export class ThreadIndex {
  private readonly roots = new BoundedMap<string, string>(20_000);

  constructor(private readonly api: SlackApi) {}

  note(channel: string, ts: string, root: string): void {
    if (ts !== root) this.roots.set(`${channel}:${ts}`, root);
  }

  /** The root of a reply known to the index, undefined otherwise. */
  rootOf(channel: string, ts: string): string | undefined {
    return this.roots.get(`${channel}:${ts}`);
  }

  async resolve(channel: string, ts: string): Promise<string> {
    const known = this.rootOf(channel, ts);
    if (known) return known;
    try {
      const res = await this.api.read('conversations.replies', { channel, ts, limit: 1 });
      const first = ((res.messages ?? []) as SlackMessage[])[0];
      const root = isTs(first?.thread_ts) ? first.thread_ts : first?.ts;
      if (root) {
        this.note(channel, ts, root);
        return root;
      }
    } catch {
      // Unknown to Slack now (deleted?): answering in the channel is the best left.
    }
    return ts;
  }
}
