import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { STORE_BACKENDS } from './backends.js';

// Migration 003 and its store on both backends: the embedded default and a real PostgreSQL.

describe.each(STORE_BACKENDS)('encrypted portals on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const markOf = (portalId: number, eventId: string) => ({
    portalId,
    eventId,
    sender: '@maria:x',
    algorithm: 'm.megolm.v1.aes-sha2',
    at: 1000,
  });

  it('keeps the first mark of a portal, whatever marks it again', async () => {
    const p = await s.portals.ensurePortal('!enc1:x');
    expect(await s.encryption.forPortal(p.id)).toBeUndefined();
    expect(await s.encryption.mark(markOf(p.id, '$first'))).toEqual(markOf(p.id, '$first'));
    expect((await s.encryption.mark(markOf(p.id, '$second'))).eventId).toBe('$first');
    expect((await s.encryption.all()).get(p.id)?.eventId).toBe('$first');
  });

  it('gives a reminder once per period, again for the same event (a retry)', async () => {
    const p = await s.portals.ensurePortal('!enc2:x');
    const claim = (user: string, eventId: string, now: number) =>
      s.encryption.claimReminder(p.id, user, eventId, now, 60_000);
    expect(await claim('@a:x', '$1', 100_000)).toBe(true);
    expect(await claim('@a:x', '$1', 100_500)).toBe(true);
    expect(await claim('@a:x', '$2', 120_000)).toBe(false);
    expect(await claim('@b:x', '$3', 120_000)).toBe(true);
    expect(await claim('@a:x', '$4', 160_500)).toBe(true);
    expect(await claim('@a:x', '$5', 161_000)).toBe(false);
  });

  it('forgets a portal’s marks and reminders with the portal', async () => {
    const p = await s.portals.ensurePortal('!enc3:x');
    await s.encryption.mark(markOf(p.id, '$x'));
    await s.encryption.claimReminder(p.id, '@a:x', '$y', 1, 1);
    await db('portals').where({ id: p.id }).delete();
    expect(await s.encryption.forPortal(p.id)).toBeUndefined();
    expect(await db('encrypted_reminders').where({ portal_id: p.id })).toEqual([]);
  });
});
