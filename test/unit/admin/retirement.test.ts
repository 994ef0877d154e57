import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/admin/actor.js';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import type { DeliveryDeps } from '../../../src/core/delivery/deps.js';
import { remoteSides } from '../../../src/core/delivery/sides.js';
import { toPlainText } from '../../../src/format/plain.js';
import { fakeConnector, powerLevels } from './fakes.js';
import { adminWorld, openTestDb, refused, type AdminWorld } from './world.js';

const ROOM = '!room:example.org';
const LINKER = '@lena:agency.example';
const ADMIN = '@ada:example.org';
const DAY = 86_400_000;
const as = (userId: string): Actor => ({ userId, viaSecret: false, path: 'command' });
const key = { connector: 'chat-x', workspace: 'main', channel: 'c1' };
const other = { connector: 'chat-x', workspace: 'main', channel: 'c2' };

let w: AdminWorld;
let db: Knex;
let sent: OutboundMessage[];
let platformDown: boolean;

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);
afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  sent = [];
  platformDown = false;
  const connector = fakeConnector({ c1: 'General', c2: 'Random' });
  connector.sendMessage = async (_ref, message) => {
    if (platformDown) throw new Error('Chat X answered 503');
    sent.push(message);
    return { messageIds: [`m${sent.length}`] };
  };
  w = await adminWorld(db, { 'agency.example': 'linker', [ADMIN]: 'admin' }, connector);
  w.matrix.addRoom(ROOM, {
    create: { sender: LINKER, content: { room_version: '11' } },
    powerLevels: powerLevels({ [LINKER]: 100, [ADMIN]: 100 }),
    joinable: true,
  });
  await w.ops.link(as(LINKER), { room: ROOM, ...key });
  await w.ops.link(as(LINKER), { room: ROOM, ...other });
  w.matrix.notices.length = 0;
});

const audit = async () =>
  (await w.audit.list({ limit: 20 })).map((e) => `${e.action} ${e.outcome} ${e.actor} ${e.path}`);

describe('retiring a channel', () => {
  it('tells the channel where the room is, stops deliveries to it, tells the room, audits', async () => {
    const before = Date.now();
    const r = await w.ops.retire(as(ADMIN), key, 14);
    expect(r).toMatchObject({ ...key, roomId: ROOM, already: false });
    expect(r.retireUntil).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(sent).toHaveLength(1);
    const notice = toPlainText(sent[0]!.content.text);
    expect(notice).toContain('moved to Matrix: https://matrix.to/#/!room:example.org');
    expect(sent[0]!.content.notice).toBe(true);
    expect(w.directory.linkFor(key)?.retireUntil).toBe(r.retireUntil);
    expect(w.matrix.notices.map((n) => n.text).join()).toContain('was retired by @ada:example.org');
    expect((await audit())[0]).toBe('retire ok @ada:example.org command');
    const deps = { directory: w.directory, connectors: w.connectors } as unknown as DeliveryDeps;
    const portalId = w.directory.linkFor(key)!.portalId;
    expect(remoteSides(deps, portalId).map((s) => s.link.channel)).toEqual(['c2']);
  });

  it('is for admins only', async () => {
    const err = await refused(w.ops.retire(as(LINKER), key, 30));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(sent).toEqual([]);
    expect((await audit())[0]).toBe('retire denied @lena:agency.example command');
  });

  it.each([-1, 366, 1.5, Number.NaN])('refuses a grace period of %s days', async (days) => {
    const err = await refused(w.ops.retire(as(ADMIN), key, days));
    expect(err.code).toBe('INVALID_REQUEST');
    expect(sent).toEqual([]);
    expect(w.directory.linkFor(key)?.retireUntil).toBeNull();
  });

  it('changes nothing when the platform refuses the notice, and says to try again', async () => {
    platformDown = true;
    const err = await refused(w.ops.retire(as(ADMIN), key, 30));
    expect(err.code).toBe('REMOTE_UNAVAILABLE');
    expect(err.message).toContain('nothing was changed, try again');
    expect(w.directory.linkFor(key)?.retireUntil).toBeNull();
    expect((await audit())[0]).toBe('retire failed @ada:example.org command');
  });

  it('refuses a channel that is not linked', async () => {
    const err = await refused(w.ops.retire(as(ADMIN), { ...key, channel: 'nope' }, 30));
    expect(err.code).toBe('LINK_NOT_FOUND');
  });

  it('retiring twice changes nothing and posts nothing again', async () => {
    const first = await w.ops.retire(as(ADMIN), key, 30);
    const second = await w.ops.retire(as(ADMIN), key, 5);
    expect(second).toMatchObject({ already: true, retireUntil: first.retireUntil });
    expect(sent).toHaveLength(1);
  });

  it('with no grace period, unlinks at once after the notice', async () => {
    await w.ops.retire(as(ADMIN), key, 0);
    expect(sent).toHaveLength(1);
    expect(w.directory.linkFor(key)).toBeUndefined();
    expect(w.directory.linkFor(other)).toBeDefined();
    expect((await audit()).slice(0, 2)).toEqual([
      'unlink ok retirement schedule',
      'retire ok @ada:example.org command',
    ]);
    expect(w.matrix.notices.at(-1)?.text).toContain('is no longer bridged');
  });

  it('the sweep unlinks only channels whose grace period has ended', async () => {
    await w.ops.retire(as(ADMIN), key, 30);
    await w.ops.retire(as(ADMIN), other, 30);
    await db('portal_links')
      .where(key)
      .update({ retire_until: Date.now() - 1 });
    await w.ops.sweepRetirements();
    expect(w.directory.linkFor(key)).toBeUndefined();
    expect(w.directory.linkFor(other)?.retireUntil).toBeGreaterThan(Date.now());
    await w.ops.sweepRetirements();
    expect((await audit()).filter((e) => e.startsWith('unlink'))).toHaveLength(1);
  });
});
