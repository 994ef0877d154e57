/**
 * Per-agency scopes: a permission limited to connectors/workspaces shows and acts only
 * within them, on every operation (the API, console, commands and CLI all call these), and
 * a target outside is refused and audited, however it is spelled.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/admin/actor.js';
import { fakeConnector, powerLevels } from './fakes.js';
import { adminWorld, openTestDb, refused, type AdminWorld } from './world.js';

const A_ROOM = '!a:agency-a.example';
const B_ROOM = '!b:agency-b.example';
const SHARED = '!shared:example.org';
const SCOPED_LINKER = '@lena:agency-a.example';
const SCOPED_ADMIN = '@ada:agency-a.example';
const WHOLE = '@wim:agency-c.example';
const GLOBAL = '@root:example.org';

const as = (userId: string): Actor => ({ userId, viaSecret: false, path: 'api' });
const A = { connector: 'chat-x', workspace: 'agency-a' };
const B = { connector: 'chat-x', workspace: 'agency-b' };

let w: AdminWorld;
let db: Knex;

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  w = await adminWorld(
    db,
    {
      'agency-a.example': { level: 'linker', scope: ['chat-x/agency-a'] },
      [SCOPED_ADMIN]: { level: 'admin', scope: ['chat-x/agency-a'] },
      [WHOLE]: { level: 'admin', scope: ['chat-x'] },
      [GLOBAL]: 'admin',
    },
    fakeConnector({ c1: 'General', c2: 'Random', c3: 'Third' }),
    ['agency-a', 'agency-b'],
  );
  for (const room of [A_ROOM, B_ROOM, SHARED]) {
    w.matrix.addRoom(room, {
      create: { sender: SCOPED_LINKER, content: { room_version: '11' } },
      powerLevels: powerLevels({ [SCOPED_LINKER]: 100, [SCOPED_ADMIN]: 100, [GLOBAL]: 100 }),
      joinable: true,
    });
  }
  await w.links.link(A_ROOM, { ...A, channel: 'c1' }, 'api', GLOBAL);
  await w.links.link(B_ROOM, { ...B, channel: 'c1' }, 'api', GLOBAL);
  await w.links.link(SHARED, { ...A, channel: 'c2' }, 'api', GLOBAL);
  await w.links.link(SHARED, { ...B, channel: 'c2' }, 'api', GLOBAL);
  await w.directory.load();
});

describe('a scoped permission', () => {
  it('lists only the portals and links within its scope', async () => {
    const portals = await w.ops.listPortals(as(SCOPED_LINKER));
    expect(portals.map((p) => [p.roomId, p.links.map((l) => l.workspace)]).sort()).toEqual([
      [A_ROOM, ['agency-a']],
      [SHARED, ['agency-a']],
    ]);
    expect((await w.ops.listPortals(as(GLOBAL))).flatMap((p) => p.links)).toHaveLength(4);
    expect((await w.ops.listPortals(as(WHOLE))).flatMap((p) => p.links)).toHaveLength(4);
  });

  it('shows only its workspaces and their connection states', async () => {
    const [connector] = await w.ops.listConnectors(as(SCOPED_LINKER));
    expect(connector?.workspaces.map((x) => x.workspace)).toEqual(['agency-a']);
    const states = await w.ops.connectionStates(as(SCOPED_LINKER));
    expect(states.map((s) => s.workspace)).toEqual(['agency-a']);
    expect(await w.ops.connectionStates(as(WHOLE))).toHaveLength(2);
  });

  it('says what it covers', () => {
    expect(w.ops.whoami(as(SCOPED_LINKER))).toMatchObject({
      level: 'linker',
      scope: ['chat-x/agency-a'],
    });
    expect(w.ops.whoami(as(GLOBAL)).scope).toBeUndefined();
  });

  it('acts within its scope', async () => {
    const result = await w.ops.link(as(SCOPED_LINKER), { room: A_ROOM, ...A, channel: 'c3' });
    expect(result.roomId).toBe(A_ROOM);
    await w.ops.unlink(as(SCOPED_LINKER), { ...A, channel: 'c3' });
    expect(await w.ops.listChannels(as(SCOPED_LINKER), A.connector, A.workspace)).toHaveLength(3);
  });

  // Every operation that names a target, with targets outside the scope spelled many ways.
  const outside = [
    B,
    { connector: 'chat-x', workspace: 'AGENCY-A' },
    { connector: 'CHAT-X', workspace: 'agency-a' },
    { connector: 'chat-x', workspace: 'agency-a/../agency-b' },
    { connector: 'chat-x', workspace: 'agency-ab' },
    { connector: 'chat-x', workspace: 'agency-' },
    { connector: 'chat-x', workspace: 'agency-a ' },
    { connector: 'chat-x', workspace: '%' },
    { connector: 'chat-x', workspace: '' },
    { connector: 'chat-x/agency-a', workspace: 'agency-b' },
    { connector: 'other', workspace: 'agency-a' },
  ];
  it.each(outside)('refuses and audits every action in %j', async (target) => {
    const actor = as(SCOPED_ADMIN);
    const attempts: Array<Promise<unknown>> = [
      w.ops.link(actor, { room: A_ROOM, ...target, channel: 'c3' }),
      w.ops.unlink(actor, { ...target, channel: 'c1' }),
      w.ops.listChannels(actor, target.connector, target.workspace),
      w.ops.beginAccountLink(actor, target.connector, target.workspace),
      w.ops.unlinkAccount(actor, target.connector, target.workspace),
      w.ops.eraseUser(actor, { kind: 'platform', ...target, userId: 'u1' }),
    ];
    for (const attempt of attempts) {
      const err = await refused(attempt);
      expect(err.code).toBe('PERMISSION_DENIED');
      expect(err.message).toContain('their permission covers only chat-x/agency-a');
    }
    const denied = await w.audit.list({ limit: 10, outcome: 'denied' });
    expect(denied).toHaveLength(attempts.length);
    for (const entry of denied) expect(entry.detail).toBe('outside the scope chat-x/agency-a');
    // Nothing changed outside.
    expect(w.directory.linkFor({ ...B, channel: 'c1' })).toBeDefined();
  });

  it('may not erase a Matrix user, whose data reaches every connector', async () => {
    const err = await refused(
      w.ops.eraseUser(as(SCOPED_ADMIN), { kind: 'matrix', userId: '@someone:example.org' }),
    );
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.message).toContain('may not erase a Matrix user');
  });

  it('reads only the audit entries within its scope', async () => {
    await w.ops.link(as(GLOBAL), { room: B_ROOM, ...B, channel: 'c3' });
    await w.ops.link(as(GLOBAL), { room: A_ROOM, ...A, channel: 'c3' });
    await w.audit.record({ actor: GLOBAL, path: 'api', action: 'session', outcome: 'ok' });
    const seen = await w.ops.auditList(as(SCOPED_ADMIN), { limit: 50 });
    expect(seen.map((e) => `${e.action} ${e.workspace}`)).toEqual(['link agency-a']);
    expect(await w.ops.auditList(as(GLOBAL), { limit: 50 })).toHaveLength(3);
  });

  it('sees only delivery failures of rooms with a link in scope', async () => {
    const failed = async (roomId: string, key: string) => {
      const portal = w.directory.portalByRoom(roomId)!;
      await db('inbox').insert({
        source: 'matrix',
        event_key: key,
        portal_id: portal.id,
        status: 'failed',
        next_attempt_at: 0,
        created_at: 0,
        finished_at: Date.now(),
        last_error: 'refused',
      });
    };
    await failed(A_ROOM, '$a');
    await failed(B_ROOM, '$b');
    await failed(SHARED, '$shared');
    const seen = await w.ops.recentFailures(as(SCOPED_LINKER), 50);
    expect(seen.map((f) => f.eventKey).sort()).toEqual(['$a', '$shared']);
    expect(await w.ops.recentFailures(as(GLOBAL), 50)).toHaveLength(3);
  });
});
