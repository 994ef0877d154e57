import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/admin/commands.js';
import { Pseudonyms } from '../../../src/admin/pseudonyms.js';
import { GhostIdCodec } from '../../../src/core/ids.js';
import type { MatrixGateway } from '../../../src/matrix/matrix-gateway.js';
import { AdminRoomStore } from '../../../src/store/admin-room-store.js';
import { ErasureStore } from '../../../src/store/erasure-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

// erase-user through the shared operations: who may, which subjects are refused before
// anything is touched, and what a successful erasure does and records.

const ADMIN = '@ada:example.org';
const LINKER = '@lena:example.org';
const USER = '@ulf:example.org';
const NOBODY = '@nobody:elsewhere.org';
const codec = new GhostIdCodec('bridge_', 'example.org');
const KEPT_GHOST = codec.encode({ connector: 'chat-x', workspace: 'main', userId: 'keep-me' });

/** What the fake homeserver answers to a ghost's profile change; undefined: it accepts. */
let profileRefusal: unknown;

/** The Matrix calls the erasure makes as a ghost, recorded. */
function fakeGateway(calls: string[]): MatrixGateway {
  const client = {
    setDisplayName: async (n: string) => {
      if (profileRefusal) throw profileRefusal;
      calls.push(`name=${n}`);
    },
    setAvatarUrl: async (u: string) => void calls.push(`avatar=${u}`),
    getJoinedRooms: async () => ['!r1:example.org'],
    leaveRoom: async (r: string) => void calls.push(`leave ${r}`),
    doRequest: async (method: string, path: string) => void calls.push(`${method} ${path}`),
  };
  return {
    botUserId: '@bot:example.org',
    intent: () => ({ matrixClient: client }),
    redact: async () => void calls.push('redact'),
  } as unknown as MatrixGateway;
}

let db: Knex;
let w: AdminWorld;
let calls: string[];
let roomStore: AdminRoomStore;

async function seedGhost(remoteId: string): Promise<string> {
  const userId = codec.encode({ connector: 'chat-x', workspace: 'main', userId: remoteId });
  await db('ghosts')
    .insert({ user_id: userId, connector: 'chat-x', workspace: 'main', remote_user_id: remoteId })
    .onConflict('user_id')
    .ignore();
  return userId;
}

const ghostCount = async () => Number((await db('ghosts').count('* as n'))[0]!.n);
const say = (sender: string, body: string) =>
  runCommand(w.ops, { userId: sender, viaSecret: false, path: 'command' }, body);

beforeAll(async () => {
  db = await openTestDb();
  roomStore = new AdminRoomStore(db);
});
afterAll(async () => {
  await db?.destroy();
});
beforeEach(async () => {
  calls = [];
  profileRefusal = undefined;
  w = await adminWorld(
    db,
    { [ADMIN]: 'admin', [LINKER]: 'linker', 'example.org': 'user' },
    undefined,
    undefined,
    {
      erasure: {
        store: new ErasureStore(db),
        ghosts: {
          get: async (id) => (await db('ghosts').where({ user_id: id }).first()) ?? undefined,
        },
        codec,
        gateway: fakeGateway(calls),
        pseudonyms: new Pseudonyms(db),
        redactMessages: false,
        afterErasure: () => roomStore.reload(),
        log: silentLogger(),
      },
    },
  );
  await db('ghosts').delete();
  await seedGhost('keep-me');
});

describe('erase-user', () => {
  it.each([USER, LINKER, NOBODY])('refuses %s, audits it and erases nothing', async (who) => {
    const reply = await say(who, `!erase-user chat-x main keep-me`);
    expect(reply).toMatch(/^✗ .*may not erase user.*needs the "admin" permission/);
    expect(await ghostCount()).toBe(1);
    expect(calls).toEqual([]);
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ actor: who, action: 'erase_user', outcome: 'denied' });
  });

  it('is not offered in !help below admin, and is offered to admins', async () => {
    expect(await say(LINKER, '!help')).not.toContain('!erase-user');
    expect(await say(ADMIN, '!help')).toContain('!erase-user');
  });

  // Every hostile or mistaken subject: a clear answer, nothing touched on Matrix or in the
  // tables, and an audit entry that does not repeat what was asked for.
  const REFUSED: Array<[string, string, RegExp]> = [
    ['no subject', '!erase-user', /usage: !erase-user/],
    ['two words', '!erase-user chat-x main', /usage: !erase-user/],
    ['four words', '!erase-user chat-x main ../../etc passwd', /usage: !erase-user/],
    ['a name, not an id', '!erase-user keep-me', /usage: !erase-user/],
    ['a Matrix id without a server', '!erase-user @keep-me', /not a Matrix user id/],
    ['the bridge bot', '!erase-user @bot:example.org', /the bridge's own account/],
    ['a ghost given as a Matrix user', `!erase-user ${KEPT_GHOST}`, /the bridge's own account/],
    ['an unknown connector', '!erase-user nope main keep-me', /no connector "nope"/],
    ['another workspace', '!erase-user chat-x other keep-me', /no workspace "other"/],
    ['a LIKE wildcard', '!erase-user chat-x main %', /holds nothing about chat-x\/main\/%/],
    ['an underscore', '!erase-user chat-x main _', /holds nothing about/],
    ['a prefix of a known id', '!erase-user chat-x main keep', /holds nothing about/],
    ['path traversal', '!erase-user chat-x main ../keep-me', /holds nothing about/],
    ['SQL', "!erase-user chat-x main x');delete/**/from/**/ghosts;--", /holds nothing about/],
    ['a Matrix wildcard', '!erase-user @%:example.org', /holds nothing about/],
    ['an unknown Matrix user', '!erase-user @never:example.org', /holds nothing about/],
  ];

  it.each(REFUSED)('answers %s clearly and erases nothing', async (_kind, line, answer) => {
    const reply = await say(ADMIN, line);
    expect(reply).toMatch(answer);
    expect(reply?.startsWith('✗ ')).toBe(true);
    expect(await ghostCount()).toBe(1);
    expect(calls).toEqual([]);
    const [entry] = await w.audit.list({ limit: 1 });
    if (entry?.action === 'erase_user') {
      expect(entry.outcome).toBe('failed');
      expect(entry.detail).toMatch(/^[A-Z_]+ \((matrix|platform) user\)$/);
    }
  });

  it.each([
    ['a control character', 'keep-me\u0000'],
    ['a direction override', '\u202ekeep-me'],
    ['a line break', 'keep-me\nother'],
    ['an empty id', ''],
    ['an overlong id', 'k'.repeat(256)],
  ])('refuses a platform id with %s before looking', async (_kind, userId) => {
    const actor = { userId: ADMIN, viaSecret: false, path: 'api' as const };
    await expect(
      w.ops.eraseUser(actor, { kind: 'platform', connector: 'chat-x', workspace: 'main', userId }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await ghostCount()).toBe(1);
  });

  it('erases a platform user: retires the ghost on Matrix, deletes the rows, reports counts', async () => {
    await seedGhost('u1');
    const reply = await say(ADMIN, '!erase-user chat-x main u1');
    expect(reply).toMatch(
      /^Erased\. From now on the audit log calls this person erased:[0-9a-f]{16}/,
    );
    expect(reply).toContain('ghosts: 1');
    expect(reply).toContain('matrix: ghost deactivated: 1');
    expect(calls).toEqual([
      'name=',
      'avatar=',
      'leave !r1:example.org',
      'POST /_matrix/client/v3/account/deactivate',
    ]);
    expect(await ghostCount()).toBe(1);
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ action: 'erase_user', outcome: 'ok', connector: 'chat-x' });
    expect(entry?.detail).toMatch(/^erased:[0-9a-f]{16}: .*ghosts 1/);
    expect(JSON.stringify(entry)).not.toContain('u1');
  });

  it('touches no table when the homeserver refuses, and says to run it again', async () => {
    await seedGhost('u2');
    profileRefusal = Object.assign(new Error('connect ECONNREFUSED'), { statusCode: 502 });
    const reply = await say(ADMIN, '!erase-user chat-x main u2');
    expect(reply).toMatch(/^✗ the homeserver refused .*nothing was deleted.*run the erasure again/);
    expect(await ghostCount()).toBe(2);
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({
      outcome: 'failed',
      detail: 'ERASURE_INCOMPLETE (platform user)',
    });
  });

  it('counts a ghost the homeserver already deactivated as done, and erases the rows', async () => {
    await seedGhost('u3');
    profileRefusal = {
      statusCode: 403,
      body: { errcode: 'M_FORBIDDEN', error: 'User account has been deactivated' },
    };
    const reply = await say(ADMIN, '!erase-user chat-x main u3');
    expect(reply).toContain('matrix: ghost already deactivated: 1');
    expect(reply).toContain('ghosts: 1');
    expect(await ghostCount()).toBe(1);
  });

  it('erases a Matrix user: their admin room stops answering them at once', async () => {
    await roomStore.add('!dm-maria:example.org', '@maria:example.org');
    expect(await roomStore.ownerOf('!dm-maria:example.org')).toBe('@maria:example.org');
    const reply = await say(ADMIN, '!erase-user @maria:example.org');
    expect(reply).toContain('admin_rooms: 1');
    expect(await roomStore.ownerOf('!dm-maria:example.org')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('gives one person one pseudonym, and different people different ones', async () => {
    const p = new Pseudonyms(db);
    const again = new Pseudonyms(db);
    expect(await p.of('@a:x')).toBe(await again.of('@a:x'));
    expect(await p.of('@a:x')).not.toBe(await p.of('@b:x'));
    expect(await p.of('@a:x')).not.toContain('a:x');
  });
});
