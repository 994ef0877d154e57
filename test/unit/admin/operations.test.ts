import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/admin/actor.js';
import { fakeConnector, powerLevels } from './fakes.js';
import { adminWorld, openTestDb, refused, type AdminWorld } from './world.js';

const ROOM = '!room:example.org';
const OTHER = '!other:example.org';
const LINKER = '@lena:agency.example';
const USER = '@ulf:example.org';
const ADMIN = '@ada:example.org';

const as = (userId: string, path: Actor['path'] = 'api'): Actor => ({
  userId,
  viaSecret: false,
  path,
});
const secret: Actor = { viaSecret: true, path: 'api' };
const key = { connector: 'chat-x', workspace: 'main', channel: 'c1' };

let w: AdminWorld;
let db: Knex;

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  w = await adminWorld(db, { 'agency.example': 'linker', [ADMIN]: 'admin', '*': 'user' });
  w.matrix.addRoom(ROOM, {
    create: { sender: LINKER, content: { room_version: '11' } },
    powerLevels: powerLevels({ [LINKER]: 100, [ADMIN]: 100, '@low:agency.example': 0 }),
    joinable: true,
    alias: '#room:example.org',
  });
  w.matrix.addRoom(OTHER, {
    create: { sender: LINKER, content: { room_version: '11' } },
    powerLevels: powerLevels({ [LINKER]: 100 }),
    joinable: true,
  });
});

describe('link', () => {
  it('links a room the user may change, joins the bot, tells the room and audits it', async () => {
    const result = await w.ops.link(as(LINKER), { room: '#room:example.org', ...key });
    expect(result).toMatchObject({ roomId: ROOM, channelName: 'General', existed: false });
    const link = w.directory.linkFor(key);
    expect(link).toMatchObject({ source: 'api', createdBy: LINKER });
    expect(w.directory.portal(link!.portalId)?.roomId).toBe(ROOM);
    expect(w.matrix.joined.has(ROOM)).toBe(true);
    expect(w.matrix.notices[0]?.text).toContain('"General"');
    const [entry] = await w.audit.list({ limit: 10 });
    expect(entry).toMatchObject({
      actor: LINKER,
      path: 'api',
      action: 'link',
      outcome: 'ok',
      roomId: ROOM,
      ...key,
    });
  });

  it('is idempotent for the same room', async () => {
    await w.ops.link(as(LINKER, 'command'), { room: ROOM, ...key });
    const again = await w.ops.link(as(LINKER, 'command'), { room: ROOM, ...key });
    expect(again.existed).toBe(true);
    expect(w.directory.linksOf(w.directory.portalByRoom(ROOM)!.id)).toHaveLength(1);
    expect(w.directory.linkFor(key)?.source).toBe('command');
    expect(w.matrix.notices).toHaveLength(1);
  });

  it('refuses a user below linker, audits the refusal and touches nothing', async () => {
    const err = await refused(w.ops.link(as(USER), { room: ROOM, ...key }));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(err.status).toBe(403);
    expect(err.message).toContain('"linker"');
    expect(w.directory.portals()).toHaveLength(0);
    expect(w.matrix.joined.size).toBe(0);
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ actor: USER, action: 'link', outcome: 'denied', channel: 'c1' });
  });

  it('refuses a linker without power in the room; the bot leaves again', async () => {
    const err = await refused(w.ops.link(as('@low:agency.example'), { room: ROOM, ...key }));
    expect(err.code).toBe('ROOM_POWER_TOO_LOW');
    expect(err.message).toMatch(/power level 0 .* needs 50/);
    expect(w.directory.portals()).toHaveLength(0);
    expect(w.matrix.joined.has(ROOM)).toBe(false);
    expect(w.matrix.left).toEqual([ROOM]);
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({ outcome: 'denied' });
  });

  it('keeps the bot in a room it was already in when validation fails there', async () => {
    w.matrix.joined.add(ROOM);
    await refused(w.ops.link(as('@low:agency.example'), { room: ROOM, ...key }));
    expect(w.matrix.joined.has(ROOM)).toBe(true);
    expect(w.matrix.left).toEqual([]);
  });

  it('fails clearly for an unknown channel, connector or workspace, before joining', async () => {
    const channel = await refused(w.ops.link(as(LINKER), { room: ROOM, ...key, channel: 'nope' }));
    expect(channel.code).toBe('CHANNEL_UNREACHABLE');
    expect(channel.message).toContain('"nope"');
    expect(channel.extra.field).toBe('channel');
    const connector = await refused(
      w.ops.link(as(LINKER), { room: ROOM, ...key, connector: 'chat-y' }),
    );
    expect(connector.code).toBe('CONNECTOR_UNKNOWN');
    expect(connector.message).toContain('running: chat-x');
    const workspace = await refused(
      w.ops.link(as(LINKER), { room: ROOM, ...key, workspace: 'side' }),
    );
    expect(workspace.code).toBe('WORKSPACE_UNKNOWN');
    expect(w.matrix.joined.size).toBe(0);
    expect(w.directory.portals()).toHaveLength(0);
    const outcomes = (await w.audit.list({ limit: 10 })).map((e) => e.outcome);
    expect(outcomes).toEqual(['failed', 'failed', 'failed']);
  });

  it('fails clearly for a room the bot cannot join or an alias that does not resolve', async () => {
    w.matrix.addRoom('!closed:example.org', {
      create: { sender: LINKER, content: {} },
      joinable: false,
    });
    const closed = await refused(w.ops.link(as(LINKER), { room: '!closed:example.org', ...key }));
    expect(closed.code).toBe('ROOM_UNREACHABLE');
    const alias = await refused(w.ops.link(as(LINKER), { room: '#missing:example.org', ...key }));
    expect(alias.code).toBe('ROOM_NOT_FOUND');
    expect(w.directory.portals()).toHaveLength(0);
  });

  it('refuses a channel linked to another room, without joining that room', async () => {
    await w.ops.link(as(LINKER), { room: ROOM, ...key });
    const err = await refused(w.ops.link(as(LINKER), { room: OTHER, ...key }));
    expect(err.code).toBe('CHANNEL_ALREADY_LINKED');
    expect(err.message).toContain(ROOM);
    expect(w.matrix.joined.has(OTHER)).toBe(false);
  });

  it('leaves no portal and no bot behind when storing the link fails', async () => {
    w.links.link = () => Promise.reject(new Error('disk full'));
    const err = await refused(w.ops.link(as(LINKER), { room: ROOM, ...key }));
    expect(err.code).toBe('INTERNAL');
    expect(await w.stores.portals.all()).toHaveLength(0);
    expect(w.matrix.joined.has(ROOM)).toBe(false);
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({
      outcome: 'failed',
      detail: 'link failed: disk full',
    });
  });

  it('lets automation with the secret link without a room power check', async () => {
    w.matrix.addRoom('!nopower:example.org', {
      create: { sender: '@someone:else.org', content: {} },
      powerLevels: powerLevels({}),
      joinable: true,
    });
    await w.ops.link(secret, { room: '!nopower:example.org', ...key });
    expect(w.directory.linkFor(key)?.createdBy).toBe('provisioning-secret');
  });

  it('checks the room power of a user the secret holder acts for', async () => {
    const err = await refused(
      w.ops.link({ ...secret, userId: '@low:agency.example' }, { room: ROOM, ...key }),
    );
    expect(err.code).toBe('ROOM_POWER_TOO_LOW');
  });

  it('gives room creators of version 12 rooms unlimited power', async () => {
    w.matrix.addRoom('!v12:example.org', {
      create: { sender: '@low:agency.example', content: { room_version: '12' } },
      powerLevels: powerLevels({}),
      joinable: true,
    });
    await w.ops.link(as('@low:agency.example'), { room: '!v12:example.org', ...key });
    expect(w.directory.linkFor(key)).toBeDefined();
  });
});

describe('unlink', () => {
  it('removes the link and the portal with its last link, tells the room, audits', async () => {
    await w.ops.link(as(LINKER), { room: ROOM, ...key });
    await w.ops.link(as(LINKER), { room: ROOM, ...key, channel: 'c2' });
    const first = await w.ops.unlink(as(ADMIN, 'console'), key);
    expect(first).toMatchObject({ roomId: ROOM, portalRemoved: false });
    expect(w.directory.linkFor(key)).toBeUndefined();
    const last = await w.ops.unlink(as(ADMIN), { ...key, channel: 'c2' });
    expect(last.portalRemoved).toBe(true);
    expect(w.directory.portalByRoom(ROOM)).toBeUndefined();
    expect(w.matrix.notices.at(-1)?.text).toContain('no longer bridged');
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ action: 'unlink', outcome: 'ok', actor: ADMIN, channel: 'c2' });
  });

  it('refuses unknown links, links declared in the config file, and users without power', async () => {
    expect((await refused(w.ops.unlink(as(LINKER), key))).code).toBe('LINK_NOT_FOUND');
    await w.links.link(ROOM, key, 'config', 'config-file');
    await w.directory.load();
    const declared = await refused(w.ops.unlink(as(LINKER), key));
    expect(declared.code).toBe('LINK_DECLARED');
    expect(declared.message).toContain('config file');
    await w.links.link(ROOM, { ...key, channel: 'c2' }, 'api', LINKER);
    await w.directory.load();
    const low = await refused(w.ops.unlink(as('@low:agency.example'), { ...key, channel: 'c2' }));
    expect(low.code).toBe('ROOM_POWER_TOO_LOW');
    expect(w.directory.linkFor({ ...key, channel: 'c2' })).toBeDefined();
  });
});

describe('reading', () => {
  it('lists portals, connectors with states and channels marked with their room', async () => {
    await w.ops.link(as(LINKER), { room: ROOM, ...key });
    w.matrix.rooms.get(ROOM)!.name = 'Agency A general';
    const portals = await w.ops.listPortals(as(USER));
    expect(portals).toEqual([
      {
        roomId: ROOM,
        name: null,
        roomName: 'Agency A general',
        links: [
          {
            ...key,
            source: 'api',
            createdBy: LINKER,
            createdAt: expect.any(Number),
            retireUntil: null,
            channelName: 'General',
          },
        ],
        encryptedAt: null,
      },
    ]);
    w.states.set('chat-x', 'main', { status: 'retrying', error: 'socket closed' });
    expect(await w.ops.listConnectors(as(USER))).toEqual([
      {
        id: 'chat-x',
        displayName: 'Chat X',
        listsChannels: true,
        workspaces: [
          {
            workspace: 'main',
            status: 'retrying',
            error: 'socket closed',
            since: expect.any(Number),
            traffic: { in: expect.any(Array), out: expect.any(Array), lastAt: null },
          },
        ],
      },
    ]);
    expect(await w.ops.listChannels(as(LINKER), 'chat-x', 'main')).toEqual([
      {
        workspace: 'main',
        channel: 'c1',
        name: 'General',
        visibility: 'public',
        linkedRoomId: ROOM,
      },
      { workspace: 'main', channel: 'c2', name: 'Random', visibility: 'public' },
    ]);
  });

  it('says plainly when a connector cannot list channels', async () => {
    w = await adminWorld(db, { [LINKER]: 'linker' }, fakeConnector({ c1: 'General' }, false));
    const err = await refused(w.ops.listChannels(as(LINKER), 'chat-x', 'main'));
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.status).toBe(501);
  });

  it('shows the audit log to admins only, and audits the refused look', async () => {
    await w.ops.link(as(LINKER), { room: ROOM, ...key });
    const denied = await refused(w.ops.auditList(as(LINKER), { limit: 10 }));
    expect(denied.code).toBe('PERMISSION_DENIED');
    const entries = await w.ops.auditList(as(ADMIN), { limit: 10 });
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['audit_list', 'denied'],
      ['link', 'ok'],
    ]);
    const page = await w.ops.auditList(as(ADMIN), { limit: 10, beforeId: entries[0]!.id });
    expect(page.map((e) => e.action)).toEqual(['link']);
  });

  it('refuses everything but whoami to a user with no permission', async () => {
    w = await adminWorld(db, { 'example.org': 'user', '@banned:example.org': 'none' });
    expect(w.ops.whoami(as('@banned:example.org')).level).toBe('none');
    expect((await refused(w.ops.listPortals(as('@banned:example.org')))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await refused(w.ops.listPortals(as('@x:elsewhere.org')))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect(await w.ops.listPortals(as('@x:example.org'))).toEqual([]);
  });
});
