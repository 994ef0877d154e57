/**
 * The storage entries exempt from retention are matched by connector and literal key prefix
 * only: keys that merely look like an exempt prefix (SQL wildcards, case, spacing, another
 * connector) are pruned like any other unused entry, on both backends.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/index.js';
import { KvStore, type KeyPrefix } from '../../src/store/kv-store.js';
import { STORE_BACKENDS } from './backends.js';

const DAY = 24 * 60 * 60 * 1000;
const T = Date.UTC(2030, 0, 15);
const KEEP: KeyPrefix[] = [{ connector: 'chat', prefix: 'ref:' }];
const LINKS: KeyPrefix[] = [{ connector: 'chat', prefix: 'puppet:' }];

/** [connector, key]: not under an exempt prefix, so an unused entry goes. */
const LOOK_ALIKES: Array<[string, string]> = [
  ['chat', 'ref%'],
  ['chat', 're_:x'],
  ['chat', 'r%:x'],
  ['chat', '%'],
  ['chat', '_ef:x'],
  ['chat', 'REF:x'],
  ['chat', ' ref:x'],
  ['chat', 'xref:x'],
  ['chat', 'ref'],
  ['chat', "ref'--:x"],
  ['chat', 'ref\\:x'],
  ['chat', 'puppet'],
  ['chat', 'puppet%'],
  ['chat', 'Puppet:w:@a:x'],
  ['other', 'ref:x'],
  ['other', 'puppet:w:@a:x'],
  ['Chat', 'ref:x'],
  ['chat%', 'ref:x'],
  ['ch_t', 'ref:x'],
];
/** Entries truly under an exempt prefix (kept: `ref:`; linked accounts have their own days). */
const EXEMPT: Array<[string, string]> = [
  ['chat', 'ref:'],
  ['chat', 'ref:w:19:abc@thread.tacv2'],
  ['chat', 'ref:%'],
  ['chat', 'puppet:w:@a:x'],
  ['chat', 'puppet:%_'],
];

describe.each(STORE_BACKENDS)('retention exemptions on %s', (_name, options) => {
  let db: Knex;
  let kv: KvStore;

  beforeAll(async () => {
    db = await openDatabase(await options());
    kv = new KvStore(db, () => T - 30 * DAY);
    for (const [connector, key] of [...LOOK_ALIKES, ...EXEMPT]) {
      await kv.forConnector(connector).set(key, 'v');
    }
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const left = async () =>
    (
      (await db('connector_kv')
        .whereNot('connector', '_core')
        .select('connector', 'key')) as Array<{
        connector: string;
        key: string;
      }>
    )
      .map((r) => `${r.connector}/${r.key}`)
      .sort();

  it('prunes every look-alike and keeps only what is truly exempt', async () => {
    expect(await kv.pruneUntouched(T - 7 * DAY, [...KEEP, ...LINKS])).toBe(LOOK_ALIKES.length);
    expect(await left()).toEqual(EXEMPT.map(([c, k]) => `${c}/${k}`).sort());
  });

  it('account-link retention removes only entries under the link prefix, naming them', async () => {
    const removed = await kv.pruneUntouchedKeys(T - 7 * DAY, LINKS);
    expect(removed.map((r) => `${r.connector}/${r.key}`).sort()).toEqual([
      'chat/puppet:%_',
      'chat/puppet:w:@a:x',
    ]);
    expect(await left()).toEqual(['chat/ref:', 'chat/ref:%', 'chat/ref:w:19:abc@thread.tacv2']);
  });
});
