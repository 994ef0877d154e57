/**
 * The one pruning scheduler: every retention of the bridge's stored data, listed in
 * `retentionJobs`, run hourly with an injectable clock. Counts go to the log at info,
 * a failing job to warn (the others still run; the next hour tries again).
 */
import type { Logger } from 'pino';
import type { RetentionSettings } from '../config/retention.js';
import type { AuditStore } from '../store/audit-store.js';
import type { Stores } from '../store/index.js';
import type { KeyPrefix } from '../store/kv-store.js';
import type { AccountLinkOwner } from '../connector/contract.js';
import { errorMessage } from '../util/errors.js';

export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Connector storage the retention treats apart (see ConnectorDefinition.storageRetention). */
export interface StorageRules {
  keep: KeyPrefix[];
  accountLinks: KeyPrefix[];
  /** Per connector, whose link an account-link key holds (to tell them it was removed). */
  linkOwners: Map<string, (key: string) => AccountLinkOwner | undefined>;
}

/** A linked account the retention removed, and its owner when the connector names them. */
export interface PrunedLink {
  connector: string;
  owner?: AccountLinkOwner;
}

/** Tells the owners of removed account links (never throws: the links are gone either way). */
export type TellLinkOwners = (links: PrunedLink[]) => Promise<void>;

/** One retention: `run` deletes (or clears) what is older than its limit at `now`. */
export interface RetentionJob {
  /** What is pruned, as it appears in the log. */
  name: string;
  run(now: number): Promise<number>;
}

type PruneStores = Pick<Stores, 'messages' | 'inbox' | 'reactionSnapshots' | 'kv' | 'ghosts'>;

/** A job pruning what is older than `days` (ms before `now`), or none when `days` is 0 (never). */
function olderThan(
  name: string,
  days: number,
  prune: (before: number) => Promise<number>,
): RetentionJob[] {
  return days > 0 ? [{ name, run: (now) => prune(now - days * DAY_MS) }] : [];
}

/** Every retention of the bridge's tables, in one place (docs/data-protection.md, "Kept"). */
export function retentionJobs(
  r: RetentionSettings,
  stores: PruneStores,
  audit: Pick<AuditStore, 'prune'>,
  storage: StorageRules,
  tellLinkOwners: TellLinkOwners = async () => undefined,
): RetentionJob[] {
  const exempt = [...storage.keep, ...storage.accountLinks];
  const pruneLinks = async (before: number): Promise<number> => {
    const removed = await stores.kv.pruneUntouchedKeys(before, storage.accountLinks);
    if (removed.length > 0) {
      await tellLinkOwners(
        removed.map((k) => ({
          connector: k.connector,
          owner: storage.linkOwners.get(k.connector)?.(k.key),
        })),
      );
    }
    return removed.length;
  };
  return [
    ...olderThan('messages', r.messages_days, (before) => stores.messages.prune(before)),
    ...olderThan('reaction_snapshots', r.messages_days, (before) =>
      stores.reactionSnapshots.prune(before),
    ),
    {
      name: 'inbox',
      run: (now) => stores.inbox.prune(now - r.inbox_days * DAY_MS, now - r.failed_days * DAY_MS),
    },
    ...olderThan('audit_log', r.audit_days, (before) => audit.prune(before)),
    { name: 'connector_storage_expired', run: (now) => stores.kv.pruneExpired(now) },
    ...olderThan('connector_storage', r.connector_storage_days, (before) =>
      stores.kv.pruneUntouched(before, exempt),
    ),
    ...olderThan('account_links', r.account_links_days, pruneLinks),
    ...olderThan('ghost_profiles', r.ghost_profiles_days, (before) =>
      stores.ghosts.clearStaleProfiles(before),
    ),
  ];
}

/** Runs the retention jobs every hour once started (`runOnce`: one pass now). */
export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly jobs: RetentionJob[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass over every job; resolves to the counts of those that pruned something. */
  async runOnce(): Promise<Record<string, number>> {
    const now = this.now();
    const counts: Record<string, number> = {};
    for (const job of this.jobs) {
      try {
        const n = await job.run(now);
        if (n > 0) counts[job.name] = n;
      } catch (err) {
        this.log.warn({ retention: job.name, err: errorMessage(err) }, 'could not prune old data');
      }
    }
    if (Object.keys(counts).length > 0) this.log.info(counts, 'pruned data past its retention');
    // Every pass, pruning or not, with the time it pruned by: shows the scheduler is alive.
    this.log.debug({ at: new Date(now).toISOString(), pruned: counts }, 'retention pass finished');
    return counts;
  }

  start(intervalMs = PRUNE_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.runUnlessRunning(), intervalMs);
    this.timer.unref();
  }

  /** A pass still running when the next is due is left to finish: passes never overlap. */
  private async runUnlessRunning(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.runOnce();
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * The storage rules of the running connectors, plus the core's own `_core` entries (database
 * id, pseudonym key, Matrix catch-up positions), which must live as long as the database.
 */
export function storageRules(
  definitions: ReadonlyArray<{
    id: string;
    storageRetention?: {
      keep?: readonly string[];
      accountLinks?: readonly string[];
      accountLinkOwner?: (key: string) => AccountLinkOwner | undefined;
    };
  }>,
): StorageRules {
  const rules: StorageRules = {
    keep: [{ connector: '_core', prefix: '' }],
    accountLinks: [],
    linkOwners: new Map(),
  };
  for (const d of definitions) {
    for (const prefix of d.storageRetention?.keep ?? [])
      rules.keep.push({ connector: d.id, prefix });
    for (const prefix of d.storageRetention?.accountLinks ?? []) {
      rules.accountLinks.push({ connector: d.id, prefix });
    }
    const owner = d.storageRetention?.accountLinkOwner;
    if (owner) rules.linkOwners.set(d.id, owner);
  }
  return rules;
}
