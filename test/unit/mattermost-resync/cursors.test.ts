import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorStorage } from '../../../src/connector/contract.js';
import { CURSOR_SHARDS, CursorStore, shardOf } from '../../../connectors/mattermost/cursors.js';
import { waitFor } from '../../harness/wait.js';

const log = pino({ level: 'silent' });

function countingStorage(map = new Map<string, string>()) {
  const writes: string[] = [];
  const reads: string[] = [];
  const storage: ConnectorStorage = {
    get: async (key) => {
      reads.push(key);
      return map.get(key);
    },
    set: async (key, value) => {
      writes.push(key);
      map.set(key, value);
    },
  };
  return { storage, map, writes, reads };
}

describe('CursorStore', () => {
  it('writes a busy channel’s cursor behind, at most once per flush interval', async () => {
    const s = countingStorage();
    const cursors = new CursorStore(s.storage, 'ws', log, 100);
    await cursors.load();
    for (let t = 1; t <= 50; t++) cursors.move('chan', 1000 + t);
    expect(cursors.get('chan')).toBe(1050);
    expect(s.writes).toEqual([]);
    await waitFor(() => s.writes.length > 0, { what: 'the flush' });
    expect(s.writes).toEqual([`cursors:ws:${shardOf('chan')}`]);
    // Moving back is ignored; moving on is written with the next flush.
    cursors.move('chan', 10);
    cursors.move('chan', 2000);
    expect(s.writes).toHaveLength(1);
    await cursors.flushNow();
    expect(s.writes).toHaveLength(2);
    const again = new CursorStore(s.storage, 'ws', log, 100);
    await again.load();
    expect(again.get('chan')).toBe(2000);
  });

  it('reads every cursor with one query per shard, however many channels', async () => {
    const s = countingStorage();
    const cursors = new CursorStore(s.storage, 'ws', log, 10_000);
    for (let i = 0; i < 5000; i++) cursors.move(`channel${i}`, i + 1);
    await cursors.flushNow();
    expect(s.writes.length).toBeLessThanOrEqual(CURSOR_SHARDS);
    const reader = countingStorage(s.map);
    const loaded = new CursorStore(reader.storage, 'ws', log);
    await loaded.load();
    await loaded.load();
    expect(reader.reads.length).toBe(CURSOR_SHARDS + 1); // shards + the sweep position
    expect(loaded.get('channel4321')).toBe(4322);
    expect(loaded.get('other')).toBeUndefined();
  });

  it('adopts a cursor stored by an earlier version under its own key', async () => {
    const s = countingStorage(new Map([['cursor:ws:old', '12345']]));
    const cursors = new CursorStore(s.storage, 'ws', log, 10_000);
    await cursors.load();
    expect(cursors.get('old')).toBeUndefined();
    expect(await cursors.adoptLegacy('old')).toBe(12345);
    expect(await cursors.adoptLegacy('none')).toBeUndefined();
    await cursors.flushNow();
    const fresh = new CursorStore(s.storage, 'ws', log);
    await fresh.load();
    expect(fresh.get('old')).toBe(12345);
  });

  it('keeps the sweep position, and tries a failed write again', async () => {
    const map = new Map<string, string>();
    let failNext = true;
    const storage: ConnectorStorage = {
      get: async (key) => map.get(key),
      set: async (key, value) => {
        if (failNext) {
          failNext = false;
          throw new Error('database busy');
        }
        map.set(key, value);
      },
    };
    const cursors = new CursorStore(storage, 'ws', log, 30);
    cursors.move('a', 5);
    cursors.sweepPosition = 'a';
    await waitFor(() => map.has(`cursors:ws:${shardOf('a')}`) && map.has('sweep:ws'), {
      what: 'the write tried again',
    });
    expect(map.get(`cursors:ws:${shardOf('a')}`)).toBe('{"a":5}');
    expect(map.get('sweep:ws')).toBe('a');
    const again = new CursorStore(storage, 'ws', log);
    await again.load();
    expect(again.sweepPosition).toBe('a');
  });
});
