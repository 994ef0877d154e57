import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/admin/actor.js';
import { runCommand } from '../../../src/admin/commands.js';
import { encryptedPortalHealth } from '../../../src/admin/encrypted-portals.js';
import { AdminError } from '../../../src/admin/errors.js';
import { portalJson } from '../../../src/admin/http/api-views.js';
import type { RoomEncryption } from '../../../src/admin/declared-encryption.js';
import {
  applyDeclaredPortals,
  type DeclaredPortalsDeps,
} from '../../../src/admin/portals-setup.js';
import { silentLogger } from '../../../src/util/logger.js';
import { powerLevels } from './fakes.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

const PLAIN = '!plain:example.org';
const ENCRYPTED = '!secret:example.org';
const LINKER = '@lena:example.org';
const key = { connector: 'chat-x', workspace: 'main', channel: 'c1' };
const as = (path: Actor['path']): Actor => ({ userId: LINKER, viaSecret: false, path });

let db: Knex;
let w: AdminWorld;

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  w = await adminWorld(db, { [LINKER]: 'linker' });
  const room = {
    create: { sender: LINKER, content: { room_version: '11' } },
    powerLevels: powerLevels({ [LINKER]: 100 }),
    joinable: true,
  };
  w.matrix.addRoom(PLAIN, room);
  w.matrix.addRoom(ENCRYPTED, { ...room, encryption: { algorithm: 'm.megolm.v1.aes-sha2' } });
});

describe('linking an encrypted room', () => {
  const actors: Array<[string, Actor]> = [
    ['the API', as('api')],
    ['an admin-room command', as('command')],
    ['the CLI', as('cli')],
    ['the console', as('console')],
    ['the provisioning secret', { viaSecret: true, path: 'api' }],
  ];
  it.each(actors)(
    'is refused through %s, typed, audited and leaving no trace',
    async (_, actor) => {
      const err = await w.ops.link(actor, { room: ENCRYPTED, ...key }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AdminError);
      expect(err).toMatchObject({ code: 'ROOM_ENCRYPTED', status: 409, errcode: 'M_BAD_STATE' });
      expect((err as AdminError).message).toContain('create a room without encryption');
      expect(w.directory.portalByRoom(ENCRYPTED)).toBeUndefined();
      expect(w.matrix.left).toEqual([ENCRYPTED]); // the bot joined only to look
      expect(w.matrix.notices).toEqual([]);
      const [entry] = await w.audit.list({ limit: 1 });
      expect(entry).toMatchObject({ action: 'link', outcome: 'failed', roomId: ENCRYPTED });
      expect(entry?.detail).toContain('end-to-end encryption');
    },
  );

  it('is answered in the admin room with what to do', async () => {
    const reply = await runCommand(w.ops, as('command'), `!link chat-x main c1 ${ENCRYPTED}`);
    expect(reply).toMatch(/^✗ !secret:example.org uses end-to-end encryption/);
  });

  it('does not stop an unencrypted room from being linked', async () => {
    await expect(w.ops.link(as('api'), { room: PLAIN, ...key })).resolves.toMatchObject({
      roomId: PLAIN,
    });
  });
});

describe('a declared portal on an encrypted room', () => {
  const c2 = { ...key, channel: 'c2' };
  const declaredDeps = (encryption: RoomEncryption): DeclaredPortalsDeps => ({
    directory: w.directory,
    links: w.links,
    audit: w.audit,
    resolveAlias: async () => ENCRYPTED,
    roomEncryption: async () => encryption,
    removedLinks: 'unlink',
    log: silentLogger(),
  });
  const declare = (encryption: RoomEncryption) =>
    applyDeclaredPortals([{ room: ENCRYPTED, links: [key, c2] }], declaredDeps(encryption));

  it('is refused, counted as failed and audited, without a crash', async () => {
    const summary = await declare('encrypted');
    expect(summary).toMatchObject({ created: 0, failed: 2 });
    expect(w.directory.portalByRoom(ENCRYPTED)).toBeUndefined();
    const entries = await w.audit.list({ limit: 5 });
    expect(entries.map((e) => [e.actor, e.outcome, e.channel])).toEqual([
      ['config-file', 'failed', 'c2'],
      ['config-file', 'failed', 'c1'],
    ]);
    expect(entries[0]?.detail).toMatch(/^ROOM_ENCRYPTED: /);
  });

  it('keeps links made before the room turned encrypted, asking nothing when all are there', async () => {
    await declare('plain');
    let asked = 0;
    const summary = await applyDeclaredPortals([{ room: ENCRYPTED, links: [key, c2] }], {
      ...declaredDeps('encrypted'),
      roomEncryption: async () => {
        asked += 1;
        return 'encrypted';
      },
    });
    expect(summary).toMatchObject({ removed: 0, failed: 0 });
    expect(asked).toBe(0);
    expect(w.directory.linksOf(w.directory.portalByRoom(ENCRYPTED)!.id)).toHaveLength(2);
  });

  it('refuses a new declared link on a portal that turned encrypted, keeping the old one', async () => {
    await applyDeclaredPortals([{ room: ENCRYPTED, links: [key] }], declaredDeps('plain'));
    expect(await declare('encrypted')).toMatchObject({ created: 0, failed: 2 });
    expect(w.directory.linksOf(w.directory.portalByRoom(ENCRYPTED)!.id)).toHaveLength(1);
  });

  it('is linked while its encryption cannot be read yet (its first encrypted event tells)', async () => {
    expect(await declare('unknown')).toMatchObject({ created: 2, failed: 0 });
  });
});

describe('an encrypted portal is shown wherever portals are', () => {
  beforeEach(async () => {
    await w.ops.link(as('api'), { room: PLAIN, ...key });
    const portal = w.directory.portalByRoom(PLAIN)!;
    await w.stores.encryption.mark({
      portalId: portal.id,
      eventId: '$enc',
      sender: LINKER,
      algorithm: 'm.megolm.v1.aes-sha2',
      at: Date.UTC(2026, 11, 7, 9, 30),
    });
  });

  it('in the API', async () => {
    const [portal] = await w.ops.listPortals(as('api'));
    expect(portalJson(portal!)).toMatchObject({
      room_id: PLAIN,
      encrypted_at: Date.UTC(2026, 11, 7, 9, 30),
    });
  });

  it('in !list and !status', async () => {
    expect(await runCommand(w.ops, as('command'), '!list')).toContain(
      `${PLAIN} 🔒 encrypted since 2026-12-07 09:30:00 UTC: messages from Matrix do not cross`,
    );
    const status = await runCommand(w.ops, as('command'), '!status');
    expect(status).toContain('Encrypted rooms (messages from Matrix do not cross');
    expect(status).toContain(`  ${PLAIN} since 2026-12-07 09:30:00 UTC`);
  });

  it('in the readiness report', async () => {
    expect(await encryptedPortalHealth(w.directory, w.stores.encryption)).toEqual([
      { room_id: PLAIN, name: null, encrypted_at: Date.UTC(2026, 11, 7, 9, 30) },
    ]);
  });

  it('and nowhere while no portal is encrypted', async () => {
    await db('portal_encryption').delete();
    expect(await runCommand(w.ops, as('command'), '!status')).not.toContain('Encrypted');
    expect(await encryptedPortalHealth(w.directory, w.stores.encryption)).toEqual([]);
  });
});
