/**
 * The pruning scheduler's wiring: each retention is asked for what is older than its days at
 * the injected clock, hourly; 0 days means the job is not there; a failing job is logged at
 * warn and the others still run; counts are logged at info.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RetentionSettings } from '../../src/config/retention.js';
import {
  PRUNE_INTERVAL_MS,
  RetentionPruner,
  retentionJobs,
  storageRules,
} from '../../src/core/retention.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2031, 5, 1);

const SETTINGS: RetentionSettings = {
  messages_days: 10,
  inbox_days: 5,
  failed_days: 20,
  audit_days: 30,
  connector_storage_days: 7,
  ghost_profiles_days: 14,
  account_links_days: 60,
};

/** Stores that record the cut-off each prune was asked for. */
function recordingStores() {
  const calls: Record<string, unknown[]> = {};
  const rec =
    (name: string, result = 1) =>
    async (...args: unknown[]) => {
      calls[name] = args;
      return result;
    };
  const stores = {
    messages: { prune: rec('messages') },
    reactionSnapshots: { prune: rec('reaction_snapshots') },
    inbox: { prune: rec('inbox') },
    kv: {
      pruneExpired: rec('expired', 0),
      pruneUntouched: rec('storage'),
      pruneUntouchedKeys: async (...args: unknown[]) => {
        calls.links = args;
        return [
          { connector: 'chat', key: 'puppet:agency-a:@maria:example.org' },
          { connector: 'chat', key: 'puppet:odd' },
        ];
      },
    },
    ghosts: { clearStaleProfiles: rec('ghosts') },
  };
  return { calls, stores, audit: { prune: rec('audit') } };
}

function logLines() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  return { lines, log };
}

/** Like a connector's own: `puppet:<workspace>:<Matrix user id>`. */
const linkOwner = (key: string) => {
  const m = /^puppet:([^:]+):(@.+)$/.exec(key);
  return m ? { workspace: m[1] as string, matrixUserId: m[2] as string } : undefined;
};

const RULES = storageRules([
  {
    id: 'chat',
    storageRetention: { keep: ['ref:'], accountLinks: ['puppet:'], accountLinkOwner: linkOwner },
  },
]);

afterEach(() => {
  vi.useRealTimers();
});

describe('retention scheduler', () => {
  it('asks each store for what is older than its retention at the injected clock', async () => {
    const { calls, stores, audit } = recordingStores();
    const { lines, log } = logLines();
    const pruner = new RetentionPruner(
      retentionJobs(SETTINGS, stores as never, audit, RULES),
      log,
      () => NOW,
    );
    await pruner.runOnce();
    const keep = [
      { connector: '_core', prefix: '' },
      { connector: 'chat', prefix: 'ref:' },
    ];
    const links = [{ connector: 'chat', prefix: 'puppet:' }];
    expect(calls).toEqual({
      messages: [NOW - 10 * DAY],
      reaction_snapshots: [NOW - 10 * DAY],
      inbox: [NOW - 5 * DAY, NOW - 20 * DAY],
      audit: [NOW - 30 * DAY],
      expired: [NOW],
      storage: [NOW - 7 * DAY, [...keep, ...links]],
      links: [NOW - 60 * DAY, links],
      ghosts: [NOW - 14 * DAY],
    });
    const info = lines.find((l) => l.msg === 'pruned data past its retention');
    expect(info).toMatchObject({ level: 30, messages: 1, inbox: 1, ghost_profiles: 1 });
    expect(info).not.toHaveProperty('connector_storage_expired');
  });

  it('tells the owners of removed account links, as their connector names them', async () => {
    const { stores, audit } = recordingStores();
    const told: unknown[] = [];
    const jobs = retentionJobs(SETTINGS, stores as never, audit, RULES, async (links) => {
      told.push(...links);
    });
    const counts = await new RetentionPruner(jobs, logLines().log, () => NOW).runOnce();
    expect(counts.account_links).toBe(2);
    expect(told).toEqual([
      { connector: 'chat', owner: { workspace: 'agency-a', matrixUserId: '@maria:example.org' } },
      { connector: 'chat', owner: undefined },
    ]);
  });

  it('0 days means never: that job is not run', async () => {
    const { calls, stores, audit } = recordingStores();
    const never = {
      ...SETTINGS,
      connector_storage_days: 0,
      ghost_profiles_days: 0,
      account_links_days: 0,
    };
    await new RetentionPruner(
      retentionJobs(never, stores as never, audit, RULES),
      logLines().log,
      () => NOW,
    ).runOnce();
    expect(Object.keys(calls).sort()).toEqual(
      ['audit', 'expired', 'inbox', 'messages', 'reaction_snapshots'].sort(),
    );
  });

  it('a failing job is logged at warn and the others still run', async () => {
    const { calls, stores, audit } = recordingStores();
    stores.messages.prune = async () => {
      throw new Error('database gone away');
    };
    const { lines, log } = logLines();
    await new RetentionPruner(
      retentionJobs(SETTINGS, stores as never, audit, RULES),
      log,
      () => NOW,
    ).runOnce();
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, retention: 'messages', err: 'database gone away' }),
    );
    expect(calls.audit).toEqual([NOW - 30 * DAY]);
    expect(calls.ghosts).toEqual([NOW - 14 * DAY]);
  });

  it('lets a pass that outlasts the interval finish before the next starts', async () => {
    vi.useFakeTimers();
    let running = 0;
    let most = 0;
    let runs = 0;
    const slow = {
      name: 'slow',
      run: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 2.5 * PRUNE_INTERVAL_MS));
        running -= 1;
        return ++runs;
      },
    };
    const pruner = new RetentionPruner([slow], logLines().log, () => NOW);
    pruner.start();
    await vi.advanceTimersByTimeAsync(10 * PRUNE_INTERVAL_MS);
    pruner.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
  });

  it('runs every hour once started, and no more after stop', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const job = { name: 'count', run: async () => ++runs };
    const pruner = new RetentionPruner([job], logLines().log, () => NOW);
    pruner.start();
    await vi.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS - 1);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(2 * PRUNE_INTERVAL_MS);
    expect(runs).toBe(3);
    pruner.stop();
    await vi.advanceTimersByTimeAsync(5 * PRUNE_INTERVAL_MS);
    expect(runs).toBe(3);
  });
});
