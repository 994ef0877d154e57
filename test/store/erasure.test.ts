import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { GhostIdCodec } from '../../src/core/ids.js';
import { openDatabase } from '../../src/store/index.js';
import { ErasureStore, type PlatformErasure } from '../../src/store/erasure-store.js';
import { STORE_BACKENDS } from './backends.js';
import { seedMatrixPerson, seedPlatformPerson } from './erasure-seed.js';
import { columnsToScan, findEverywhere } from './id-scan.js';

// Erasure on both backends. The check is generic: every text-like column of every table
// (read from the live schema) is scanned for the person's ids, so a table that a future
// migration adds cannot be forgotten.

const codec = new GhostIdCodec('bridge_', 'x');

/** Platform user ids of every hostile kind: each must erase exactly itself. */
const HOSTILE_IDS: Array<[string, string]> = [
  ['a plain id', 'hxq9tbyn3jyx8gm8qqhtwb7cwa'],
  ['LIKE wildcards', 'u%_1'],
  ['a lone percent', '%'],
  ['a lone underscore', '_'],
  ['path traversal', '../../etc/passwd'],
  ['SQL quoting', "x'); delete from ghosts; --"],
  ['a colon (as in storage keys)', 'team:U0:x'],
  ['a backslash', 'dom\\user'],
  ['non-ASCII', 'ärla-👩'],
];

const personOf = (workspace: string, remoteId: string) => ({
  connector: 'chat-x',
  workspace,
  remoteId,
  ghostId: codec.encode({ connector: 'chat-x', workspace, userId: remoteId }),
});

const erasureOf = (p: ReturnType<typeof personOf>): PlatformErasure => ({
  connector: p.connector,
  workspace: p.workspace,
  remoteIds: [p.remoteId],
  ghostId: p.ghostId,
  pseudonym: 'erased:0123456789abcdef',
});

describe.each(STORE_BACKENDS)('erasure on %s', (_name, options) => {
  let db: Knex;
  let erasure: ErasureStore;

  beforeAll(async () => {
    db = await openDatabase(await options());
    erasure = new ErasureStore(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('scans the tables that hold people', async () => {
    const tables = new Set((await columnsToScan(db)).map((c) => c.table));
    for (const t of ['ghosts', 'inbox', 'reactions', 'connector_kv', 'audit_log', 'admin_rooms'])
      expect(tables).toContain(t);
  });

  it.each(HOSTILE_IDS)('erases a platform user with %s, and only them', async (_kind, remoteId) => {
    const ws = `ws${Math.random().toString(36).slice(2, 8)}`;
    const person = personOf(ws, remoteId);
    const neighbour = personOf(ws, `nb-${Math.random().toString(36).slice(2)}`);
    await seedPlatformPerson(db, neighbour);
    await seedPlatformPerson(db, person);
    const neighbourBefore = await findEverywhere(db, neighbour.ghostId);
    expect((await findEverywhere(db, person.ghostId)).length).toBeGreaterThan(0);

    const counts = await erasure.erasePlatformUser(erasureOf(person));

    expect(await findEverywhere(db, person.ghostId)).toEqual([]);
    const left = await findEverywhere(db, person.remoteId);
    // Ids as short as `%` or `_` also occur in others' values: look for the forms the
    // seed writes this person's id in (a value, a JSON string, a key segment).
    const forms = [JSON.stringify(remoteId), `:${remoteId}:`, `${ws}:${remoteId}`];
    const named = (v: string) => v === remoteId || forms.some((f) => v.includes(f));
    expect(left.filter((h) => named(h.value))).toEqual([]);
    expect(await findEverywhere(db, neighbour.ghostId)).toEqual(neighbourBefore);
    expect(counts).toMatchObject({
      ghosts: 1,
      messages: 1,
      reactions: 1,
      reaction_snapshots: 1,
      'inbox (pending payloads)': 1,
      'inbox (processed keys)': 1,
      connector_kv: 2,
      'audit_log (pseudonymised)': 1,
    });
    expect(counts['inbox (others’ events naming them, failed)']).toBe(1);
  });

  it('leaves the same id in another workspace alone', async () => {
    const twin = personOf('agency-b', 'U0TWIN');
    await seedPlatformPerson(db, twin);
    const before = await findEverywhere(db, 'U0TWIN');
    const person = personOf('agency-a', 'U0TWIN');
    await seedPlatformPerson(db, person);
    await erasure.erasePlatformUser(erasureOf(person));
    expect(await findEverywhere(db, 'U0TWIN')).toEqual(before);
  });

  it('leaves a user whose id starts with the erased id alone', async () => {
    const longer = personOf('agency-c', 'U12345');
    await seedPlatformPerson(db, longer);
    const before = await findEverywhere(db, 'U12345');
    await seedPlatformPerson(db, personOf('agency-c', 'U1234'));
    await erasure.erasePlatformUser(erasureOf(personOf('agency-c', 'U1234')));
    expect(await findEverywhere(db, 'U12345')).toEqual(before);
  });

  it('erases a Matrix user and pseudonymises the records kept for others', async () => {
    await seedMatrixPerson(db, '@maria:x.org');
    await seedMatrixPerson(db, '@mariana:x');
    const others = [
      await findEverywhere(db, '@maria:x.org'),
      await findEverywhere(db, '@mariana:x'),
    ];
    await seedMatrixPerson(db, '@maria:x');
    const counts = await erasure.eraseMatrixUser({
      userId: '@maria:x',
      pseudonym: 'erased:feedc0ffee',
    });
    const left = await findEverywhere(db, '@maria:x');
    expect(left.filter((h) => !h.value.includes('@maria:x.org'))).toEqual([]);
    expect([
      await findEverywhere(db, '@maria:x.org'),
      await findEverywhere(db, '@mariana:x'),
    ]).toEqual(others);
    expect(counts).toEqual({
      reactions: 1,
      messages: 1,
      'inbox (pending payloads)': 1,
      connector_kv: 2,
      admin_rooms: 1,
      encrypted_reminders: 1,
      'audit_log (pseudonymised)': 2,
      'portal_links (pseudonymised)': 2,
      'portal_encryption (pseudonymised)': 1,
    });
    const audit = await db('audit_log').where('actor', 'erased:feedc0ffee').count('* as n');
    expect(Number(audit[0]!.n)).toBe(1);
  });

  it.each([
    ['LIKE wildcards', '@m%a_x:x'],
    ['a lone underscore', '@_:x'],
    ['SQL quoting', "@o'brien:x"],
    ['path traversal', '@../../etc:x'],
    ['a port', '@maria:x.test:8448'],
  ])('erases a Matrix user with %s, and only them', async (_kind, userId) => {
    const neighbour = `@n${Math.random().toString(36).slice(2, 8)}:x`;
    await seedMatrixPerson(db, neighbour);
    const before = await findEverywhere(db, neighbour);
    await seedMatrixPerson(db, userId);
    const counts = await erasure.eraseMatrixUser({ userId, pseudonym: 'erased:abc' });
    expect(await findEverywhere(db, userId)).toEqual([]);
    expect(await findEverywhere(db, neighbour)).toEqual(before);
    expect(counts).toMatchObject({ messages: 1, admin_rooms: 1, 'audit_log (pseudonymised)': 2 });
  });

  it('finds nothing to erase for someone the bridge never saw', async () => {
    expect(await erasure.eraseMatrixUser({ userId: '@nobody:x', pseudonym: 'erased:1' })).toEqual(
      {},
    );
    expect(await erasure.erasePlatformUser(erasureOf(personOf('agency-z', 'nobody')))).toEqual({});
  });
});
