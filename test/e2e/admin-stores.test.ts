import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdminError } from '../../src/admin/errors.js';
import { AdminQueries } from '../../src/store/admin-queries.js';
import { AdminRoomStore } from '../../src/store/admin-room-store.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { LinkAdminStore } from '../../src/store/link-admin-store.js';
import { createDatabase } from '../harness/index.js';

// The administration stores on both backends: the embedded default and a real PostgreSQL.
const backends: Array<[string, () => Promise<{ url?: string; dataDir: string }>]> = [
  ['PGlite', async () => ({ dataDir: 'memory://' })],
  ['PostgreSQL', async () => ({ url: await createDatabase(), dataDir: '' })],
];

const key = (channel: string) => ({ connector: 'chat', workspace: 'w', channel });

describe.each(backends)('administration stores on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;
  let links: LinkAdminStore;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
    links = new LinkAdminStore(db);
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
  });

  it('links and unlinks in one transaction; the last unlink removes the portal', async () => {
    expect(await links.link('!a:x', key('c1'), 'api', '@u:x', 'A')).toEqual({
      roomId: '!a:x',
      existed: false,
      portalCreated: true,
    });
    expect((await links.link('!a:x', key('c2'), 'cli', '@u:x')).portalCreated).toBe(false);
    expect((await links.link('!a:x', key('c1'), 'api', '@u:x')).existed).toBe(true);
    await expect(links.link('!b:x', key('c1'), 'api', '@u:x')).rejects.toMatchObject({
      code: 'CHANNEL_ALREADY_LINKED',
    });
    // The refused link left no portal behind for !b:x.
    expect((await s.portals.all()).map((p) => p.roomId)).toEqual(['!a:x']);
    expect(await links.unlink(key('c1'))).toEqual({
      roomId: '!a:x',
      source: 'api',
      portalRemoved: false,
    });
    expect(await links.unlink(key('c2'))).toEqual({
      roomId: '!a:x',
      source: 'cli',
      portalRemoved: true,
    });
    expect(await links.unlink(key('c2'))).toBeUndefined();
    expect(await s.portals.all()).toEqual([]);
  });

  it('lets exactly one of two racing links of the same channel win', async () => {
    const results = await Promise.allSettled([
      links.link('!r1:x', key('race'), 'api', '@u:x'),
      links.link('!r2:x', key('race'), 'api', '@u:x'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(asAdminError(failure.reason)?.code).toBe('CHANNEL_ALREADY_LINKED');
    await links.unlink(key('race'));
  });

  it('moves a link, and changes its source', async () => {
    await links.link('!m1:x', key('m'), 'api', '@u:x');
    await links.move(key('m'), '!m2:x', 'config', 'config-file');
    expect(await s.portals.linkFor(key('m'))).toMatchObject({
      source: 'config',
      createdBy: 'config-file',
    });
    expect((await s.portals.all()).map((p) => p.roomId)).toEqual(['!m2:x']);
    await links.setSource(key('m'), 'api');
    expect((await s.portals.linkFor(key('m')))?.source).toBe('api');
    await links.unlink(key('m'));
  });

  it('records, lists (newest first, paged, filtered), bounds and prunes audit entries', async () => {
    const audit = new AuditStore(db);
    const first = await audit.record(
      { actor: '@a:x', path: 'api', action: 'link', outcome: 'ok' },
      1000,
    );
    await audit.record(
      {
        actor: '@b:x',
        path: 'command',
        action: 'link',
        outcome: 'denied',
        detail: 'x'.repeat(900),
      },
      2000,
    );
    const all = await audit.list({ limit: 10 });
    expect(all.map((e) => e.actor)).toEqual(['@b:x', '@a:x']);
    expect(all[0]?.detail).toHaveLength(500);
    expect(await audit.list({ limit: 10, beforeId: all[0]!.id })).toEqual([first]);
    expect((await audit.list({ limit: 10, outcome: 'denied' })).map((e) => e.actor)).toEqual([
      '@b:x',
    ]);
    expect(await audit.prune(1500)).toBe(1);
    expect((await audit.list({ limit: 10 })).map((e) => e.actor)).toEqual(['@b:x']);
  });

  it('answers failures with their room, queue depth per source, and pings', async () => {
    const portal = await s.portals.ensurePortal('!f:x');
    await s.inbox.record([
      { source: 'matrix', eventKey: '$1', portalId: portal.id, payload: {} },
      { source: 'remote:chat', eventKey: 'k1', portalId: portal.id, payload: {} },
      { source: 'remote:chat', eventKey: 'k2', portalId: portal.id, payload: {} },
    ]);
    const q = new AdminQueries(db);
    expect((await q.pendingBySource()).sort((a, b) => a.source.localeCompare(b.source))).toEqual([
      { source: 'matrix', count: 1 },
      { source: 'remote:chat', count: 2 },
    ]);
    const item = await s.inbox.nextPending(portal.id);
    if (item.state !== 'ready') throw new Error('expected a ready item');
    await s.inbox.markFailed(item.item.id, 'chat/w/c: refused');
    expect(await q.recentFailures(5)).toEqual([
      {
        id: item.item.id,
        roomId: '!f:x',
        source: 'matrix',
        eventKey: '$1',
        error: 'chat/w/c: refused',
        attempts: 0,
        at: expect.any(Number),
      },
    ]);
    await expect(q.ping()).resolves.toBeUndefined();
  });

  it('remembers admin rooms', async () => {
    const rooms = new AdminRoomStore(db);
    expect(await rooms.ownerOf('!dm:x')).toBeUndefined();
    await rooms.add('!dm:x', '@u:x');
    expect(await new AdminRoomStore(db).ownerOf('!dm:x')).toBe('@u:x');
    await rooms.remove('!dm:x');
    expect(await rooms.ownerOf('!dm:x')).toBeUndefined();
  });
});
