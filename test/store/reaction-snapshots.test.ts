/**
 * The core's reaction memory (`reaction_snapshots`, migration 006) on both backends: what a
 * connector passed on per platform message survives a new store (a restart), is kept apart
 * per connector, channel and message, expires with the message map, and the ledgers older
 * versions kept in `connector_kv` are carried over once and deleted.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReactionLedgers } from '../../migrations/reaction-ledgers.js';
import { ReactionTracker, type ReactionChange } from '../../src/connector/index.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { STORE_BACKENDS } from './backends.js';

const REF = { workspace: 'w', channel: 'c' };

describe.each(STORE_BACKENDS)('reaction memory on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('records, merges and reloads what was passed on', async () => {
    const memory = s.reactionSnapshots.forConnector('chat');
    expect(await memory.load(REF, 'm1')).toEqual([]);
    await memory.save(REF, 'm1', [
      { user: 'al', reaction: 'x', generation: 1, present: true },
      { user: 'bob', reaction: ':+1:', generation: 2, present: false },
    ]);
    await memory.save(REF, 'm1', [{ user: 'al', reaction: 'x', generation: 2, present: false }]);
    const again = createStores(db).reactionSnapshots.forConnector('chat');
    const rows = await again.load(REF, 'm1');
    expect(rows.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
      { user: 'al', reaction: 'x', generation: 2, present: false },
      { user: 'bob', reaction: ':+1:', generation: 2, present: false },
    ]);
    expect(await s.reactionSnapshots.forConnector('other').load(REF, 'm1')).toEqual([]);
    expect(await memory.load({ ...REF, channel: 'd' }, 'm1')).toEqual([]);
    expect(await memory.load(REF, 'm2')).toEqual([]);
  });

  it('turns snapshots into changes once, across a restart', async () => {
    const emitted: ReactionChange[] = [];
    const snapshot = (users: string[]) =>
      new ReactionTracker(s.reactionSnapshots.forConnector('chat')).snapshot(
        REF,
        'm3',
        users.map((user) => ({ user, reaction: '👍' })),
        async (c) => void emitted.push(c),
      );
    await snapshot(['al', 'bob']);
    await snapshot(['al', 'bob']);
    await snapshot(['bob']);
    await snapshot(['al', 'bob']);
    expect(emitted.map((c) => `${c.added ? '+' : '-'}${c.user}${c.generation}`)).toEqual([
      '+al1',
      '+bob1',
      '-al1',
      '+al2',
    ]);
  });

  it('forgets what last changed before the retention cut', async () => {
    const memory = s.reactionSnapshots.forConnector('prune');
    await memory.save(REF, 'old', [{ user: 'al', reaction: 'x', generation: 1, present: true }]);
    const cut = Date.now() + 1;
    expect(await s.reactionSnapshots.prune(cut)).toBeGreaterThanOrEqual(1);
    expect(await memory.load(REF, 'old')).toEqual([]);
  });

  it('carries the connectors’ old ledgers over once and deletes them', async () => {
    const portal = await s.portals.ensurePortal('!ledgers:x');
    const mapped = (side: string, id: string) =>
      s.messages.create(portal.id, side, null, [{ side, nativeId: id, part: 0 }]);
    await mapped('mattermost/team.a/chan1', 'post1');
    await mapped('teams/tenant/19:abc@thread.tacv2', '1700000000000');
    await mapped('rocketchat/rc/GENERAL', 'rcmsg1');
    const kv = (connector: string, key: string, value: string) =>
      db('connector_kv').insert({ connector, key, value });
    await kv('mattermost', 'reactions:team.a:post1', JSON.stringify(['u1\u0000smile']));
    await kv('mattermost', 'reactions:team.a:unmapped', JSON.stringify(['u1\u0000smile']));
    await kv('mattermost', 'reactions:team.a:damaged', '{not json');
    await kv('mattermost', 'cursors:team.a:0', 'kept');
    await kv(
      'slack',
      'reactions:ws:C1',
      JSON.stringify({ '1.000100': { 'U1\u0000+1': 2, 'U2\u0000+1': -3 } }),
    );
    await kv('teams', 'rx:tenant:1700000000000', JSON.stringify(['aad1|like']));
    await kv('rocketchat', 'reactions:rc:rcmsg1', JSON.stringify({ ':tada:': ['alice', 'bob'] }));

    await importReactionLedgers(db);
    await importReactionLedgers(db); // a second run finds nothing left to do

    const load = (connector: string, workspace: string, channel: string, id: string) =>
      s.reactionSnapshots.forConnector(connector).load({ workspace, channel }, id);
    expect(await load('mattermost', 'team.a', 'chan1', 'post1')).toEqual([
      { user: 'u1', reaction: 'smile', generation: 1, present: true },
    ]);
    const slack = await load('slack', 'ws', 'C1', '1.000100');
    expect(slack.sort((a, b) => a.user.localeCompare(b.user))).toEqual([
      { user: 'U1', reaction: '+1', generation: 2, present: true },
      { user: 'U2', reaction: '+1', generation: 3, present: false },
    ]);
    expect(await load('teams', 'tenant', '19:abc@thread.tacv2', '1700000000000')).toEqual([
      { user: 'aad1', reaction: 'like', generation: 1, present: true },
    ]);
    expect((await load('rocketchat', 'rc', 'GENERAL', 'rcmsg1')).map((r) => r.user).sort()).toEqual(
      ['alice', 'bob'],
    );
    const left = await db('connector_kv').whereIn('connector', [
      'mattermost',
      'slack',
      'teams',
      'rocketchat',
    ]);
    expect(left.map((r: { key: string }) => r.key)).toEqual(['cursors:team.a:0']);
  });
});
