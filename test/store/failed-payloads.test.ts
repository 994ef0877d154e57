/**
 * Data minimisation: once a delivery has failed for good, the inbox keeps its ids, reason and
 * time for the operator, not the message. Checked on the tables themselves, on both backends.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as clearFailedPayloads } from '../../migrations/004_failed_payloads.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { STORE_BACKENDS } from './backends.js';

const SECRET = 'the quarterly numbers are 4711';

/** What a failed message can carry: text, formatted text, a file name, a remote event. */
const PAYLOADS: Array<[string, unknown]> = [
  ['Matrix text', { kind: 'matrix', event: { content: { msgtype: 'm.text', body: SECRET } } }],
  [
    'Matrix HTML',
    { kind: 'matrix', event: { content: { body: 'x', formatted_body: `<b>${SECRET}</b>` } } },
  ],
  ['Matrix file', { kind: 'matrix', event: { content: { msgtype: 'm.file', body: SECRET } } }],
  ['remote post', { kind: 'remote', connector: 'chat', event: { kind: 'message', text: SECRET } }],
];

describe.each(STORE_BACKENDS)('failed deliveries on %s', (_name, options) => {
  let db: Knex;
  let s: Stores;
  let portalId: number;

  beforeAll(async () => {
    db = await openDatabase(await options());
    s = createStores(db);
    portalId = (await s.portals.ensurePortal('!minimal:x')).id;
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** Every inbox row whose stored payload mentions the secret. */
  const rowsWithSecret = async () =>
    db('inbox').whereRaw('payload::text LIKE ?', [`%${SECRET.slice(4, 20)}%`]);

  it.each(PAYLOADS)(
    '%s: the payload is gone once failed, ids and reason stay',
    async (label, payload) => {
      const eventKey = `$failed-${label.replace(/\W/g, '-')}`;
      await s.inbox.record([{ source: 'matrix', eventKey, portalId, payload }]);
      expect(await rowsWithSecret()).toHaveLength(1);
      const next = await s.inbox.nextPending(portalId);
      if (next.state !== 'ready') throw new Error('expected a pending item');
      await s.inbox.markFailed(next.item.id, 'chat/w/c: the platform refused it', ['matrix']);

      expect(await rowsWithSecret()).toHaveLength(0);
      const row = await db('inbox').where({ id: next.item.id }).first();
      expect(row).toMatchObject({ status: 'failed', event_key: eventKey, payload: null });
      expect(row.last_error).toBe('chat/w/c: the platform refused it');
      const listed = await s.inbox.failures();
      expect(listed.find((f) => f.id === next.item.id)).toMatchObject({ eventKey });
    },
  );

  it('keeps the payload while a delivery is only being retried', async () => {
    await s.inbox.record([
      { source: 'matrix', eventKey: '$retried', portalId, payload: PAYLOADS[0]![1] },
    ]);
    const next = await s.inbox.nextPending(portalId);
    if (next.state !== 'ready') throw new Error('expected a pending item');
    await s.inbox.scheduleRetry(next.item.id, 1, Date.now(), 'busy');
    expect(await rowsWithSecret()).toHaveLength(1);
    await s.inbox.markDone(next.item.id);
    expect(await rowsWithSecret()).toHaveLength(0);
  });

  it('migration 004 clears payloads of rows failed before it', async () => {
    const now = Date.now();
    await db('inbox').insert({
      source: 'matrix',
      event_key: '$failed-long-ago',
      portal_id: portalId,
      payload: JSON.stringify(PAYLOADS[3]![1]),
      status: 'failed',
      attempts: 8,
      next_attempt_at: now,
      created_at: now,
      finished_at: now,
      last_error: 'old failure',
    });
    expect(await rowsWithSecret()).toHaveLength(1);
    await clearFailedPayloads(db);
    expect(await rowsWithSecret()).toHaveLength(0);
    expect(await db('inbox').where({ event_key: '$failed-long-ago' }).first()).toMatchObject({
      last_error: 'old failure',
      payload: null,
    });
  });
});
