/**
 * Makes a platform post survive a crash without doubling, for platforms that accept no
 * client-chosen id. Each part is recorded in the connector's durable storage before it is
 * posted (pending, with the time) and after (its id). A retry of the same delivery, possibly
 * by a new process after a kill, reuses a recorded id; when only the pending record exists the
 * earlier attempt may have reached the platform, so the connector's `recover` looks for it
 * (by a marker or metadata the post carries) before it is posted again.
 */
import type { ConnectorStorage } from './contract.js';

const PENDING = 'pending:';
const SENT = 'sent:';

/**
 * How long a part's record is kept. A retry of the same delivery comes within the core's
 * retry window (minutes to hours, then the delivery fails for good), so a week is ample, and
 * the records of a busy bridge no longer grow without end.
 */
export const SEND_LEDGER_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const KEEP = { ttlMs: SEND_LEDGER_TTL_MS };

export interface PostOnce {
  /** Posts the part; resolves to the platform's id for it. */
  post: () => Promise<string>;
  /** The id of what an interrupted attempt begun at `startedAt` (ms) posted, if any. */
  recover: (startedAt: number) => Promise<string | undefined>;
  /** True when a failure certainly posted nothing (e.g. a 4xx): the pending record is cleared. */
  certainlyNotPosted: (err: unknown) => boolean;
}

export class SendLedger {
  /** `prefix` namespaces the records (connector storage is shared by a connector's workspaces). */
  constructor(
    private readonly storage: ConnectorStorage,
    private readonly prefix: string,
  ) {}

  /** Part `partId` posted once: the recorded id, what an interrupted attempt left, or a new post. */
  async postOnce(partId: string, o: PostOnce): Promise<string> {
    const slot = `${this.prefix}${partId}`;
    const record = (await this.storage.get(slot)) ?? '';
    if (record.startsWith(SENT)) return record.slice(SENT.length);
    if (record.startsWith(PENDING)) {
      const startedAt = Number(record.slice(PENDING.length));
      const found = await o.recover(Number.isFinite(startedAt) ? startedAt : 0);
      if (found) {
        await this.storage.set(slot, SENT + found, KEEP);
        return found;
      }
    }
    await this.storage.set(slot, PENDING + String(Date.now()), KEEP);
    let id: string;
    try {
      id = await o.post();
    } catch (err) {
      if (o.certainlyNotPosted(err)) await this.storage.delete(slot);
      throw err;
    }
    await this.storage.set(slot, SENT + id, KEEP);
    return id;
  }
}
