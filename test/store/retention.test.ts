/**
 * Retention everywhere: every table that holds personal data loses what is older than its
 * retention and keeps what is newer, at a clock the test moves (no waiting), on both backends.
 */
import type { Knex } from 'knex';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionSettings } from '../../src/config/retention.js';
import { RetentionPruner, retentionJobs, storageRules } from '../../src/core/retention.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { KvStore } from '../../src/store/kv-store.js';
import { STORE_BACKENDS } from './backends.js';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
/** "Now" for the pruner: a fixed time, so every row's age is exact. */
const T = Date.UTC(2030, 0, 15);
/** Just past a retention of `days` at T, and just within it. */
const pastLimit = (days: number) => T - days * DAY - HOUR;
const withinLimit = (days: number) => T - days * DAY + HOUR;

const SETTINGS: RetentionSettings = {
  messages_days: 10,
  inbox_days: 5,
  failed_days: 20,
  audit_days: 30,
  connector_storage_days: 7,
  ghost_profiles_days: 14,
  account_links_days: 60,
};

/** A Teams-like connector: conversation references kept, linked accounts pruned on their own. */
const CONNECTORS = [
  { id: 'chat', storageRetention: { keep: ['ref:'], accountLinks: ['puppet:'] } },
  { id: 'other' },
];

describe.each(STORE_BACKENDS)('retention on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;
  let portalId: number;
  let clock = T;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = { ...createStores(db), kv: new KvStore(db, () => clock) };
    portalId = (await s.portals.ensurePortal('!retention:x')).id;
    await seed();
    clock = T;
    const jobs = retentionJobs(SETTINGS, s, new AuditStore(db), storageRules(CONNECTORS));
    await new RetentionPruner(jobs, pino({ level: 'silent' }), () => T).runOnce();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  async function seed(): Promise<void> {
    const m = SETTINGS.messages_days;
    for (const [tag, at] of [
      ['old', pastLimit(m)],
      ['new', withinLimit(m)],
    ] as const) {
      const [row] = await db('messages')
        .insert({
          portal_id: portalId,
          origin_side: 'matrix',
          matrix_sender: `@${tag}:x`,
          created_at: at,
        })
        .returning('id');
      await db('message_parts').insert({
        message_id: row.id,
        side: 'matrix',
        native_id: `$${tag}`,
      });
      await db('reaction_snapshots').insert({
        ...{ connector: 'chat', workspace: 'w', channel: 'c', message_id: tag },
        ...{ sender: `u-${tag}`, reaction: 'smile', generation: 1, present: true, updated_at: at },
      });
    }
    const inbox = (tag: string, status: string, finished: number | null) =>
      db('inbox').insert({
        ...{ source: 'matrix', event_key: tag, portal_id: portalId, status },
        ...{ next_attempt_at: 0, created_at: T - 100 * DAY, finished_at: finished },
      });
    await inbox('done-old', 'done', pastLimit(SETTINGS.inbox_days));
    await inbox('done-new', 'done', withinLimit(SETTINGS.inbox_days));
    await inbox('failed-old', 'failed', pastLimit(SETTINGS.failed_days));
    await inbox('failed-new', 'failed', withinLimit(SETTINGS.failed_days));
    await inbox('pending', 'pending', null);
    for (const [tag, at] of [
      ['old', pastLimit(SETTINGS.audit_days)],
      ['new', withinLimit(SETTINGS.audit_days)],
    ] as const) {
      await db('audit_log').insert({
        at,
        actor: `@${tag}:x`,
        path: 'api',
        action: 'link',
        outcome: 'ok',
      });
    }
    for (const [tag, at] of [
      ['old', pastLimit(SETTINGS.ghost_profiles_days)],
      ['new', withinLimit(SETTINGS.ghost_profiles_days)],
      ['unsynced', null],
    ] as const) {
      await s.ghosts.upsert({
        ...{ userId: `@g_${tag}:x`, connector: 'chat', workspace: 'w', remoteUserId: tag },
        ...{
          displayName: `Name ${tag}`,
          avatarId: 'a',
          avatarMxc: 'mxc://x/a',
          profileSyncedAt: at,
        },
      });
    }
    await seedStorage();
  }

  /** Connector storage written (and read) at moved clocks. */
  async function seedStorage(): Promise<void> {
    const write = async (at: number, connector: string, key: string, ttlMs?: number) => {
      clock = at;
      await s.kv.forConnector(connector).set(key, 'v', ttlMs === undefined ? undefined : { ttlMs });
    };
    const c = SETTINGS.connector_storage_days;
    const a = SETTINGS.account_links_days;
    await write(pastLimit(c), 'chat', 'threads:old');
    await write(withinLimit(c), 'chat', 'threads:new');
    await write(pastLimit(c), 'other', 'old');
    await write(T - 100 * DAY, 'chat', 'threads:read-lately');
    clock = withinLimit(c);
    expect(await s.kv.forConnector('chat').get('threads:read-lately')).toBe('v');
    await write(T - 400 * DAY, 'chat', 'ref:w:channel');
    await write(T - 400 * DAY, '_core', 'matrix_position:!room:x');
    await write(pastLimit(a), 'chat', 'puppet:w:@old:x');
    await write(withinLimit(a), 'chat', 'puppet:w:@new:x');
    await write(T - 2 * DAY, 'chat', 'ledger:expired', DAY);
    await write(T - 2 * DAY, 'chat', 'ledger:live', 3 * DAY);
  }

  const column = async (table: string, name: string) =>
    ((await db(table).orderBy(name).pluck(name)) as unknown[]).map(String);

  it('message map and its parts: older than messages_days go', async () => {
    expect(await column('messages', 'matrix_sender')).toEqual(['@new:x']);
    expect(await column('message_parts', 'native_id')).toEqual(['$new']);
  });

  it('reaction snapshots: last changed before messages_days go', async () => {
    expect(await column('reaction_snapshots', 'message_id')).toEqual(['new']);
  });

  it('inbox: delivered after inbox_days, failed after failed_days, waiting never', async () => {
    expect(await column('inbox', 'event_key')).toEqual(['done-new', 'failed-new', 'pending']);
  });

  it('audit log: older than audit_days goes', async () => {
    expect(await column('audit_log', 'actor')).toEqual(['@new:x']);
  });

  it('ghosts not seen for ghost_profiles_days lose name and avatar, the row stays', async () => {
    const rows = await db('ghosts').orderBy('user_id').select();
    const profiles = Object.fromEntries(
      rows.map((r) => [r.user_id, [r.display_name, r.avatar_id, r.avatar_mxc]]),
    );
    expect(profiles).toEqual({
      '@g_new:x': ['Name new', 'a', 'mxc://x/a'],
      '@g_old:x': [null, null, null],
      '@g_unsynced:x': ['Name unsynced', 'a', 'mxc://x/a'],
    });
  });

  it('connector storage: unused entries go; kept, linked, read and live ones stay', async () => {
    const rows = await db('connector_kv')
      .whereIn('connector', ['chat', 'other', '_core'])
      .orderBy(['connector', 'key'])
      .select('connector', 'key');
    expect(rows.map((r) => `${r.connector}/${r.key}`)).toEqual([
      '_core/matrix_position:!room:x',
      'chat/ledger:live',
      'chat/puppet:w:@new:x',
      'chat/ref:w:channel',
      'chat/threads:new',
      'chat/threads:read-lately',
    ]);
  });
});
