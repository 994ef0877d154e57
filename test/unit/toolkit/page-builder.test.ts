/** A catch-up page: its events in order, its bookkeeping only once recorded, in order. */
import { describe, expect, it } from 'vitest';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { findLink, PageBuilder } from '../../../src/connector/page-builder.js';

const del = (id: string): RemoteEvent => ({
  kind: 'delete',
  workspace: 'main',
  channel: 'c1',
  eventKey: `del:${id}`,
  ts: 1,
  messageId: id,
});

describe('PageBuilder', () => {
  it('keeps the events in order and runs the commits only when recorded, in order, then afterRecorded', async () => {
    const log: string[] = [];
    const b = new PageBuilder();
    b.add([del('a'), del('b')], async () => void log.push('commit a,b'));
    b.add([del('c')]);
    b.add([], async () => void log.push('commit empty'));
    const page = b.page('42', true, () => log.push('after'));
    expect(page.events.map((e) => e.eventKey)).toEqual(['del:a', 'del:b', 'del:c']);
    expect([page.nextCursor, page.hasMore]).toEqual(['42', true]);
    expect(log).toEqual([]);
    await page.recorded!();
    expect(log).toEqual(['commit a,b', 'commit empty', 'after']);
  });

  it('a failing commit stops the rest (the cursor must not move; the page is read again)', async () => {
    const log: string[] = [];
    const b = new PageBuilder();
    b.add([del('a')], async () => {
      throw new Error('database away');
    });
    b.add([del('b')], async () => void log.push('second'));
    await expect(b.page('1', false).recorded!()).rejects.toThrow('database away');
    expect(log).toEqual([]);
  });
});

describe('findLink', () => {
  const links = [
    { workspace: 'a', channel: 'c1', linkedAt: 1 },
    { workspace: 'b', channel: 'c2', linkedAt: 2 },
  ];
  it('finds a channel only in its own workspace', () => {
    expect(findLink(links, 'b', 'c2')?.linkedAt).toBe(2);
    expect(findLink(links, 'a', 'c2')).toBeUndefined();
    expect(findLink(links, 'b', 'c1')).toBeUndefined();
    expect(findLink([], 'a', 'c1')).toBeUndefined();
  });
});
