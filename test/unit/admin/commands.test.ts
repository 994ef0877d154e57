import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminRooms } from '../../../src/admin/admin-rooms.js';
import { parseCommand, runCommand } from '../../../src/admin/commands.js';
import type { MatrixEvent } from '../../../src/matrix/durable-appservice.js';
import { AdminRoomStore } from '../../../src/store/admin-room-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { powerLevels } from './fakes.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

const DM = '!dm:example.org';
const ROOM = '!room:example.org';
const LINKER = '@lena:example.org';
const USER = '@ulf:example.org';
const NOBODY = '@nobody:elsewhere.org';

let db: Knex;
let w: AdminWorld;
let rooms: AdminRooms;
let n = 0;

const invite = (sender: string, isDirect = true): MatrixEvent => ({
  event_id: `$invite${++n}`,
  room_id: DM,
  sender,
  type: 'm.room.member',
  state_key: '@bot:example.org',
  content: { membership: 'invite', ...(isDirect ? { is_direct: true } : {}) },
});

const message = (sender: string, body: string, roomId = DM): MatrixEvent => ({
  event_id: `$msg${++n}`,
  room_id: roomId,
  sender,
  type: 'm.room.message',
  content: { msgtype: 'm.text', body },
});

async function say(sender: string, body: string): Promise<string> {
  const before = w.matrix.notices.length;
  rooms.observe([message(sender, body)]);
  await rooms.idle();
  const replies = w.matrix.notices.slice(before).filter((r) => r.roomId === DM);
  expect(replies).toHaveLength(1);
  return replies[0]!.text;
}

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  w = await adminWorld(db, { [LINKER]: 'linker', 'example.org': 'user' });
  w.matrix.addRoom(DM, { create: { sender: LINKER, content: {} }, joinable: true });
  w.matrix.addRoom(ROOM, {
    create: { sender: LINKER, content: { room_version: '11' } },
    powerLevels: powerLevels({ [LINKER]: 100 }),
    joinable: true,
  });
  rooms = new AdminRooms({
    ops: w.ops,
    store: new AdminRoomStore(db),
    matrix: w.matrix,
    isPortal: (roomId) => w.directory.portalByRoom(roomId) !== undefined,
    isGhost: (userId) => userId.startsWith('@_ghost_'),
    log: silentLogger(),
  });
});

describe('parseCommand', () => {
  it('splits a command line into a name and words', () => {
    expect(parseCommand('  !LINK mattermost main  abc  !r:x ')).toEqual({
      name: 'link',
      args: ['mattermost', 'main', 'abc', '!r:x'],
    });
    expect(parseCommand('hello')).toBeUndefined();
    expect(parseCommand('!')).toBeUndefined();
  });
});

describe('admin rooms', () => {
  it('accepts a DM invite from a permitted user, greets, and answers commands', async () => {
    expect(rooms.onMembership(invite(LINKER))).toBe(true);
    await rooms.idle();
    expect(w.matrix.joined.has(DM)).toBe(true);
    expect(w.matrix.notices[0]?.text).toContain('permission level is linker');

    expect(await say(LINKER, '!help')).toContain('!link <connector> <workspace> <channel>');
    expect(await say(LINKER, '!channels chat-x main')).toBe('c1  General\nc2  Random');
    expect(await say(LINKER, `!link chat-x main c1 ${ROOM}`)).toBe(
      `Linked ${ROOM} with chat-x channel "General" (main).`,
    );
    expect(await say(LINKER, '!list')).toBe(`${ROOM}\n  ↔ chat-x main c1 (command)`);
    expect(await say(LINKER, '!status')).toMatch(/^chat-x main: connected since /);
    expect(await say(LINKER, '!unlink chat-x main c1')).toBe(
      `Unlinked chat-x main c1 from ${ROOM}.`,
    );
    expect(w.directory.portals()).toHaveLength(0);
    const actions = (await w.audit.list({ limit: 5 })).map((e) => [e.action, e.path, e.outcome]);
    expect(actions).toEqual([
      ['unlink', 'command', 'ok'],
      ['link', 'command', 'ok'],
    ]);
  });

  it('applies the same permissions: a plain user cannot link, and the refusal is audited', async () => {
    rooms.onMembership(invite(USER));
    await rooms.idle();
    const help = await say(USER, '!help');
    expect(help).not.toContain('!link');
    expect(await say(USER, `!link chat-x main c1 ${ROOM}`)).toBe(
      `✗ ${USER} may not link (needs the "linker" permission, has "user")`,
    );
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({
      actor: USER,
      path: 'command',
      action: 'link',
      outcome: 'denied',
    });
    expect(w.directory.portals()).toHaveLength(0);
  });

  it('explains usage, unknown commands and validation failures', async () => {
    rooms.onMembership(invite(LINKER));
    await rooms.idle();
    expect(await say(LINKER, '!link chat-x main c1')).toBe(
      '✗ usage: !link <connector> <workspace> <channel> <room id or #alias>',
    );
    expect(await say(LINKER, '!frobnicate')).toBe(
      'Unknown command !frobnicate. Send !help for the list.',
    );
    expect(await say(LINKER, `!link chat-x main nope ${ROOM}`)).toMatch(
      /^✗ channel "nope" was not found/,
    );
    expect(await say(LINKER, '!link chat-x main c1 general')).toContain('is not a room id');
  });

  it('declines DM invites from users without permission (audited), ignores other invites', async () => {
    expect(rooms.onMembership(invite(NOBODY))).toBe(true);
    await rooms.idle();
    expect(w.matrix.joined.has(DM)).toBe(false);
    expect(w.matrix.left).toEqual([DM]);
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({
      actor: NOBODY,
      action: 'open_admin_room',
      outcome: 'denied',
    });
    expect(rooms.onMembership(invite(LINKER, false))).toBe(false);
    await rooms.idle();
    expect(w.matrix.joined.has(DM)).toBe(false);
  });

  it('ignores commands outside admin rooms, from ghosts, and replays of the same event', async () => {
    rooms.observe([message(LINKER, '!help', '!random:example.org')]);
    await rooms.idle();
    expect(w.matrix.notices).toHaveLength(0);
    rooms.onMembership(invite(LINKER));
    await rooms.idle();
    const before = w.matrix.notices.length;
    rooms.observe([message('@_ghost_x:example.org', '!help')]);
    const event = message(LINKER, '!list');
    rooms.observe([event]);
    rooms.observe([event]);
    await rooms.idle();
    expect(w.matrix.notices.length - before).toBe(1);
  });

  it('leaves when the person who opened the room leaves', async () => {
    rooms.onMembership(invite(LINKER));
    await rooms.idle();
    rooms.onMembership({
      ...invite(LINKER),
      state_key: LINKER,
      content: { membership: 'leave' },
    });
    await rooms.idle();
    expect(w.matrix.joined.has(DM)).toBe(false);
    rooms.observe([message(LINKER, '!help')]);
    await rooms.idle();
    expect(w.matrix.notices).toHaveLength(1); // only the welcome
  });

  it('bounds long answers', async () => {
    rooms.onMembership(invite(LINKER));
    await rooms.idle();
    for (let i = 0; i < 45; i++) {
      await w.links.link(
        `!r${i}:example.org`,
        { connector: 'chat-x', workspace: 'main', channel: `c${i}` },
        'api',
        'x',
      );
    }
    await w.directory.load();
    const reply = await runCommand(
      w.ops,
      { userId: LINKER, viaSecret: false, path: 'command' },
      '!list',
    );
    expect(reply?.split('\n')).toHaveLength(41);
    expect(reply).toMatch(/… and 50 more$/);
  });
});

describe('account linking commands', () => {
  it('gives a user the sign-in URL of a connector that can act as them, and unlinks', async () => {
    const linked = new Set<string>();
    const connector = w.connectors.get('chat-x').connector;
    connector.beginAccountLink = async (workspace, userId) => {
      linked.add(userId);
      return `https://login.example/authorize?ws=${workspace}&state=${encodeURIComponent(userId)}`;
    };
    connector.unlinkAccount = async (_workspace, userId) => linked.delete(userId);
    rooms.onMembership(invite(USER));
    await rooms.idle();

    expect(await say(USER, '!login chat-x main')).toContain(
      `https://login.example/authorize?ws=main&state=${encodeURIComponent(USER)}`,
    );
    expect(linked.has(USER)).toBe(true);
    expect(await say(USER, '!logout chat-x main')).toMatch(/no longer linked/);
    expect(await say(USER, '!logout chat-x main')).toMatch(/had no linked/);
    expect(await say(USER, '!login chat-x elsewhere')).toMatch(/no workspace "elsewhere"/);
    expect(await say(USER, '!login')).toMatch(/usage: !login/);
  });

  it('says when a connector has no accounts to link', async () => {
    rooms.onMembership(invite(USER));
    await rooms.idle();
    expect(await say(USER, '!login chat-x main')).toMatch(/cannot act as its users/);
  });
});
