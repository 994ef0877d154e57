/**
 * The send ledger's records expire (they were never pruned before): every record it writes
 * carries the ledger's time-to-live, and a post that certainly did not happen leaves none.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectorStorage, StorageSetOptions } from '../../../src/connector/contract.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { SEND_LEDGER_TTL_MS, SendLedger } from '../../../src/connector/send-ledger.js';

function recordingStorage() {
  const values = new Map<string, string>();
  const writes: Array<{ key: string; value: string; options?: StorageSetOptions }> = [];
  const storage: ConnectorStorage = {
    get: async (key) => values.get(key),
    set: async (key, value, options) => {
      writes.push({ key, value, options });
      values.set(key, value);
    },
    delete: async (key) => void values.delete(key),
  };
  return { storage, values, writes };
}

const refused = RemoteApiError.fromStatus(400, 'bad request');

describe('SendLedger records', () => {
  it('expire after a week, pending and sent alike', async () => {
    const s = recordingStorage();
    const ledger = new SendLedger(s.storage, 'posted:w:');
    const id = await ledger.postOnce('part-1', {
      post: async () => 'native-1',
      recover: async () => undefined,
      certainlyNotPosted: () => false,
    });
    expect(id).toBe('native-1');
    expect(SEND_LEDGER_TTL_MS).toBe(7 * 24 * 60 * 60 * 1000);
    expect(s.writes.map((w) => w.value.split(':')[0])).toEqual(['pending', 'sent']);
    for (const w of s.writes) expect(w.options).toEqual({ ttlMs: SEND_LEDGER_TTL_MS });
  });

  it('is deleted when the post certainly did not happen', async () => {
    const s = recordingStorage();
    const ledger = new SendLedger(s.storage, 'posted:w:');
    await expect(
      ledger.postOnce('part-2', {
        post: async () => {
          throw refused;
        },
        recover: async () => undefined,
        certainlyNotPosted: (err) => err === refused,
      }),
    ).rejects.toBe(refused);
    expect(s.values.has('posted:w:part-2')).toBe(false);
  });

  it('a recovered post is recorded with the same expiry', async () => {
    const s = recordingStorage();
    s.values.set('posted:w:part-3', `pending:${Date.now() - 1000}`);
    const ledger = new SendLedger(s.storage, 'posted:w:');
    const id = await ledger.postOnce('part-3', {
      post: async () => 'never',
      recover: async () => 'found-3',
      certainlyNotPosted: () => false,
    });
    expect(id).toBe('found-3');
    expect(s.writes).toEqual([
      { key: 'posted:w:part-3', value: 'sent:found-3', options: { ttlMs: SEND_LEDGER_TTL_MS } },
    ]);
  });
});
