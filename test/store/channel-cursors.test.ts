/**
 * The core's cursor table and connector storage with delete and expiry, on both backends;
 * and migration 005, which moves the cursors connectors kept in connector_kv into the table
 * once and deletes the old keys.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { down as before005, up as migrate005 } from '../../migrations/005_channel_cursors.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { STORE_BACKENDS } from './backends.js';

describe.each(STORE_BACKENDS)('cursors and connector storage on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('keeps cursors per connector, workspace, channel and thread, replacing on save', async () => {
    const chat = s.cursors.forConnector('chat');
    const row = (channel: string, cursor: string, thread = '') => ({
      workspace: 'w',
      channel,
      thread,
      cursor,
    });
    await chat.save([row('c1', '10'), row('c1', '3', 'root'), row('c:2@x', 'tok')]);
    await chat.save([row('c1', '11')]);
    await s.cursors.forConnector('other').save([row('c1', '99')]);
    const loaded = (await chat.load()).sort((a, b) =>
      (a.channel + a.thread).localeCompare(b.channel + b.thread),
    );
    expect(loaded).toEqual(
      [row('c1', '11'), row('c1', '3', 'root'), row('c:2@x', 'tok')].sort((a, b) =>
        (a.channel + a.thread).localeCompare(b.channel + b.thread),
      ),
    );
  });

  it('saves thousands of cursors in one flush', async () => {
    const many = s.cursors.forConnector('bulk');
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      workspace: 'w',
      channel: `c${i}`,
      thread: '',
      cursor: String(i),
    }));
    await many.save(rows);
    expect(await many.load()).toHaveLength(12_000);
  });

  it('deletes a value, and forgets one whose expiry passed', async () => {
    const kv = s.kv.forConnector('chat');
    await kv.set('kept', 'a');
    await kv.set('gone', 'b');
    await kv.delete('gone');
    await kv.delete('never-there');
    await kv.set('short', 'c', { ttlMs: -1 });
    await kv.set('long', 'd', { ttlMs: 60_000 });
    expect(await kv.get('kept')).toBe('a');
    expect(await kv.get('gone')).toBeUndefined();
    expect(await kv.get('short')).toBeUndefined();
    expect(await kv.get('long')).toBe('d');
    await kv.set('short', 'again'); // set without expiry keeps it for good
    expect(await kv.get('short')).toBe('again');
    await kv.set('old', 'e', { ttlMs: -1 });
    expect(await s.kv.pruneExpired()).toBeGreaterThanOrEqual(1);
    expect(
      await db('connector_kv').where({ connector: 'chat', key: 'old' }).first(),
    ).toBeUndefined();
    expect(await kv.get('long')).toBe('d');
  });

  it('moves legacy cursor keys into the table once and deletes them', async () => {
    await before005(db); // as a database of the previous version
    await db('connector_kv').insert([
      { connector: 'alpha', key: 'cursor:main:C123', value: '1700000000.000100' },
      { connector: 'alpha', key: 'threads:main:C123', value: '[]' },
      { connector: 'beta', key: 'cursor:main:19:abc@thread.tacv2', value: '1700000000000' },
      {
        connector: 'gamma',
        key: 'cursors:main:0',
        value: JSON.stringify({ ch1: 5, ch2: 7, bad: 'x' }),
      },
      { connector: 'gamma', key: 'cursors:main:1', value: '{damaged' },
      { connector: 'gamma', key: 'cursor:main:ch3', value: '9' },
    ]);
    await migrate005(db);
    const all = await db('channel_cursors')
      .whereIn('connector', ['alpha', 'beta', 'gamma'])
      .select('connector', 'workspace', 'channel', 'cursor')
      .orderBy(['connector', 'channel']);
    expect(all).toEqual([
      { connector: 'alpha', workspace: 'main', channel: 'C123', cursor: '1700000000.000100' },
      {
        connector: 'beta',
        workspace: 'main',
        channel: '19:abc@thread.tacv2',
        cursor: '1700000000000',
      },
      { connector: 'gamma', workspace: 'main', channel: 'ch1', cursor: '5' },
      { connector: 'gamma', workspace: 'main', channel: 'ch2', cursor: '7' },
      { connector: 'gamma', workspace: 'main', channel: 'ch3', cursor: '9' },
    ]);
    const left = await db('connector_kv')
      .whereIn('connector', ['alpha', 'beta', 'gamma'])
      .pluck('key');
    expect(left).toEqual(['threads:main:C123']);
  });
});
