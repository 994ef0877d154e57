import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { STORE_BACKENDS } from './backends.js';

describe.each(STORE_BACKENDS)('stores on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('runs migrations idempotently', async () => {
    const again = await openDatabase(await options().catch(() => ({ dataDir: 'memory://' })));
    await again.destroy();
    expect(await db.schema.hasTable('inbox')).toBe(true);
  });

  it('links channels to portals, one portal per channel', async () => {
    const p = await s.portals.ensurePortal('!room1:x', 'Room 1');
    expect(await s.portals.ensurePortal('!room1:x')).toMatchObject({ id: p.id, name: 'Room 1' });
    const key = { connector: 'chat', workspace: 'w', channel: 'c1' };
    const link = await s.portals.addLink(p.id, key, 'config', '@admin:x');
    expect(link).toMatchObject({ ...key, portalId: p.id, source: 'config', createdBy: '@admin:x' });
    expect((await s.portals.addLink(p.id, key, 'api')).id).toBe(link.id);
    const other = await s.portals.ensurePortal('!room2:x');
    await expect(s.portals.addLink(other.id, key, 'api')).rejects.toMatchObject({
      code: 'CHANNEL_ALREADY_LINKED',
    });
    await s.portals.addLink(p.id, { connector: 'other', workspace: 'w', channel: 'c9' }, 'api');
    expect(await s.portals.linksOf(p.id)).toHaveLength(2);
    expect(await s.portals.removeLink(key)).toBe(true);
    expect(await s.portals.removeLink(key)).toBe(false);
  });

  it('records inbox events once and hands them out in order per portal', async () => {
    const p = await s.portals.ensurePortal('!inbox:x');
    const entry = (k: string) => ({
      source: 'matrix',
      eventKey: k,
      portalId: p.id,
      payload: { k, nested: [1, { a: 'ü' }] },
    });
    expect(await s.inbox.record([entry('$a'), entry('$b')])).toEqual([p.id]);
    expect(await s.inbox.record([entry('$a')])).toEqual([]); // replay
    const first = await s.inbox.nextPending(p.id);
    expect(first.state === 'ready' && first.item.payload).toEqual({
      k: '$a',
      nested: [1, { a: 'ü' }],
    });
    if (first.state !== 'ready') throw new Error('expected an item');
    // A retry in the future blocks later items: order is kept.
    await s.inbox.scheduleRetry(first.item.id, 1, Date.now() + 60_000, 'boom');
    expect((await s.inbox.nextPending(p.id)).state).toBe('waiting');
    await s.inbox.scheduleRetry(first.item.id, 1, Date.now() - 1.5, 'boom');
    await s.inbox.recordDelivery(first.item.id, 'side-a');
    await s.inbox.recordDelivery(first.item.id, 'side-a');
    expect(await s.inbox.deliveredTargets(first.item.id)).toEqual(new Set(['side-a']));
    await s.inbox.markDone(first.item.id);
    const second = await s.inbox.nextPending(p.id);
    expect(second.state === 'ready' && second.item.eventKey).toBe('$b');
    if (second.state === 'ready') await s.inbox.markFailed(second.item.id, 'permanent');
    expect((await s.inbox.nextPending(p.id)).state).toBe('empty');
    expect(
      (await s.inbox.failures()).some((f) => f.eventKey === '$b' && f.error === 'permanent'),
    ).toBe(true);
    // The processed event's content is not kept.
    const row = await db('inbox').where({ event_key: '$a' }).first();
    expect(row.payload).toBeNull();
  });

  it('hands out a batch with earlier deliveries and records deliveries with the outcome', async () => {
    const p = await s.portals.ensurePortal('!batch:x');
    const keys = ['$1', '$2', '$3'];
    await s.inbox.record(
      keys.map((k) => ({ source: 'matrix', eventKey: k, portalId: p.id, payload: {} })),
    );
    const batch = await s.inbox.pendingBatch(p.id, 2);
    expect(batch.map((i) => i.eventKey)).toEqual(['$1', '$2']);
    expect(batch.map((i) => i.delivered)).toEqual([[], []]);
    const [a, b] = batch as [(typeof batch)[0], (typeof batch)[0]];
    await s.inbox.recordDelivery(a.id, 'chat/w/c');
    await s.inbox.scheduleRetry(a.id, 1, Date.now() - 1, 'later', ['matrix']);
    const again = await s.inbox.pendingBatch(p.id, 5);
    expect(again.map((i) => i.eventKey)).toEqual(keys);
    expect([...(again[0]?.delivered ?? [])].sort()).toEqual(['chat/w/c', 'matrix']);
    expect(again[0]?.attempts).toBe(1);
    await s.inbox.markDone(a.id, ['matrix', 'other']);
    await s.inbox.markFailed(b.id, 'permanent', ['x']);
    expect(await s.inbox.deliveredTargets(a.id)).toEqual(new Set(['chat/w/c', 'matrix', 'other']));
    expect(await s.inbox.deliveredTargets(b.id)).toEqual(new Set(['x']));
    expect((await s.inbox.pendingBatch(p.id, 5)).map((i) => i.eventKey)).toEqual(['$3']);
  });

  it('creates a message with several parts in one go, ignoring a part already mapped', async () => {
    const p = await s.portals.ensurePortal('!parts:x');
    const first = await s.messages.create(p.id, 'chat/w/c', null, [
      { side: 'chat/w/c', nativeId: 'taken', part: 0 },
    ]);
    const id = await s.messages.create(p.id, 'matrix', '@u:x', [
      { side: 'matrix', nativeId: '$m0', part: 0 },
      { side: 'matrix', nativeId: '$m1', part: 1 },
      { side: 'chat/w/c', nativeId: 'taken', part: 0 },
    ]);
    expect(id).toBeGreaterThan(first);
    expect(await s.messages.idsOn(id, 'matrix')).toEqual(['$m0', '$m1']);
    expect(await s.messages.find('chat/w/c', 'taken')).toMatchObject({ messageId: first });
    expect(await s.messages.create(p.id, 'matrix', null, [])).toBeGreaterThan(id);
  });

  it('maps messages across sides and forgets them on delete and prune', async () => {
    const p = await s.portals.ensurePortal('!map:x');
    const id = await s.messages.create(p.id, 'matrix', '@u:x', [
      { side: 'matrix', nativeId: '$e1', part: 0 },
    ]);
    await s.messages.addParts(id, [
      { side: 'chat/w/c', nativeId: 'p2', part: 1 },
      { side: 'chat/w/c', nativeId: 'p1', part: 0 },
    ]);
    expect(await s.messages.find('chat/w/c', 'p2')).toEqual({
      messageId: id,
      portalId: p.id,
      originSide: 'matrix',
      matrixSender: '@u:x',
    });
    expect(await s.messages.idsOn(id, 'chat/w/c')).toEqual(['p1', 'p2']);
    await s.messages.delete(id);
    expect(await s.messages.find('matrix', '$e1')).toBeUndefined();
    const old = await s.messages.create(p.id, 'matrix', null, [
      { side: 'matrix', nativeId: '$old', part: 0 },
    ]);
    expect(await s.messages.prune(Date.now() + 1000)).toBeGreaterThanOrEqual(1);
    expect(await s.messages.parts(old)).toEqual([]);
  });

  it('tracks reactions per origin side', async () => {
    const p = await s.portals.ensurePortal('!react:x');
    const m = await s.messages.create(p.id, 'matrix', null, [
      { side: 'matrix', nativeId: '$r', part: 0 },
    ]);
    expect(
      await s.reactions.add({
        messageId: m,
        key: '👍',
        originSide: 'matrix',
        sender: '@a:x',
        matrixEventId: '$re',
      }),
    ).toBe(true);
    expect(
      await s.reactions.add({
        messageId: m,
        key: '👍',
        originSide: 'matrix',
        sender: '@a:x',
        matrixEventId: '$re2',
      }),
    ).toBe(false);
    expect(await s.reactions.presentFromOtherSides(m, '👍', 'chat/w/c')).toBe(true);
    expect(await s.reactions.presentFromOtherSides(m, '👍', 'matrix')).toBe(false);
    const r = await s.reactions.byMatrixEvent('$re');
    await s.reactions.remove(r!.id);
    expect(await s.reactions.presentFromOtherSides(m, '👍', 'chat/w/c')).toBe(false);
  });

  it('stores ghosts and connector key/values', async () => {
    await s.ghosts.upsert({
      userId: '@g:x',
      connector: 'chat',
      workspace: 'w',
      remoteUserId: 'U1',
      displayName: 'G',
      avatarId: null,
      avatarMxc: null,
      profileSyncedAt: 5,
    });
    await s.ghosts.upsert({
      userId: '@g:x',
      connector: 'chat',
      workspace: 'w',
      remoteUserId: 'U1',
      displayName: 'G2',
      avatarId: 'a',
      avatarMxc: 'mxc://x/y',
      profileSyncedAt: 6,
    });
    expect(await s.ghosts.get('@g:x')).toMatchObject({
      displayName: 'G2',
      avatarMxc: 'mxc://x/y',
      profileSyncedAt: 6,
    });
    const kv = s.kv.forConnector('chat');
    expect(await kv.get('cursor')).toBeUndefined();
    await kv.set('cursor', '1');
    await kv.set('cursor', '2');
    expect(await kv.get('cursor')).toBe('2');
    expect(await s.kv.forConnector('other').get('cursor')).toBeUndefined();
    const dbId = await s.kv.databaseId();
    expect(dbId).toMatch(/^[0-9a-f]{16}$/);
    expect(await s.kv.databaseId()).toBe(dbId);
  });
});
