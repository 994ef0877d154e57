/**
 * The core-driven catch-up: pages forward from the stored cursor, records each page in the
 * order things happened, moves the cursor only once a page is recorded, retries transient
 * read failures until they work, and makes a live event of a channel wait for its catch-up.
 */
import { describe, expect, it } from 'vitest';
import { CatchUpKit } from '../../../src/connector/catch-up-kit.js';
import type { Connector, LinkedChannel, MessagesPage } from '../../../src/connector/contract.js';
import type { CursorRow, CursorRows } from '../../../src/connector/cursor-book.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { silentLogger } from '../../../src/util/logger.js';
import { waitFor } from '../../harness/wait.js';

const link = (channel: string): LinkedChannel => ({ workspace: 'w', channel, linkedAt: 0 });
const del = (channel: string, id: string, ts: number): RemoteEvent => ({
  kind: 'delete',
  workspace: 'w',
  channel,
  eventKey: `del:${id}`,
  ts,
  messageId: id,
});

type Fetch = NonNullable<Connector['fetchMessagesSince']>;

function world(fetch: Fetch, links = [link('c')]) {
  const saved = new Map<string, CursorRow>();
  const rows: CursorRows = {
    load: async () => [...saved.values()],
    save: async (r) => r.forEach((row) => saved.set(row.channel, row)),
  };
  const recorded: string[] = [];
  const state = { failRecordAt: '' };
  const kit = new CatchUpKit({
    rows,
    linkedChannels: async () => links,
    record: async (e) => {
      if (e.eventKey === state.failRecordAt) throw new Error('inbox unavailable');
      recorded.push(e.eventKey);
    },
    log: silentLogger(),
    flushMs: 5,
    catchUp: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  kit.bind({ fetchMessagesSince: fetch } as unknown as Connector);
  const ctx = kit.contextMembers();
  return { kit, ctx, recorded, saved, state };
}

describe('core-driven catch-up', () => {
  it('pages forward in time order and moves the cursor after each recorded page', async () => {
    const calls: Array<string | undefined> = [];
    const pages: Record<string, MessagesPage> = {
      start: { events: [del('c', 'b', 20), del('c', 'a', 10)], nextCursor: '20', hasMore: true },
      '20': { events: [del('c', 'c', 30), del('c', 'd', 30)], nextCursor: '30', hasMore: false },
    };
    const t = world(async (_l, cursor) => {
      calls.push(cursor);
      return pages[cursor ?? 'start'] as MessagesPage;
    });
    await t.ctx.catchUp('w');
    expect(t.recorded).toEqual(['del:a', 'del:b', 'del:c', 'del:d']);
    expect(calls).toEqual([undefined, '20']);
    expect(await t.ctx.cursors.get({ workspace: 'w', channel: 'c' })).toBe('30');
    await t.kit.flush();
    expect(t.saved.get('c')?.cursor).toBe('30');
  });

  it('leaves the cursor where it was when a page is not wholly recorded', async () => {
    const t = world(async () => ({
      events: [del('c', 'a', 1), del('c', 'b', 2)],
      nextCursor: '2',
      hasMore: false,
    }));
    t.state.failRecordAt = 'del:b';
    await t.ctx.catchUp('w');
    expect(t.recorded).toEqual(['del:a']);
    expect(await t.ctx.cursors.get({ workspace: 'w', channel: 'c' })).toBeUndefined();
  });

  it('runs `recorded` after the page and before the cursor moves', async () => {
    const seen: Array<string | undefined> = [];
    const t = world(async () => ({
      events: [del('c', 'a', 1)],
      nextCursor: '1',
      hasMore: false,
      recorded: async () => {
        seen.push(await t.ctx.cursors.get({ workspace: 'w', channel: 'c' }));
        seen.push(t.recorded.join());
      },
    }));
    await t.ctx.catchUp('w');
    expect(seen).toEqual([undefined, 'del:a']);
  });

  it.each([
    ['a 503', RemoteApiError.fromStatus(503, 'unavailable')],
    ['a 429 with Retry-After', RemoteApiError.fromStatus(429, 'slow down', 10)],
    ['a 408', RemoteApiError.fromStatus(408, 'timeout')],
    ['a network failure', new Error('ECONNRESET')],
  ])('retries %s until the read works', async (_name, failure) => {
    let attempts = 0;
    const t = world(async () => {
      if (++attempts <= 3) throw failure;
      return { events: [del('c', 'a', 1)], nextCursor: '1', hasMore: false };
    });
    await t.ctx.catchUp('w');
    expect(attempts).toBe(4);
    expect(t.recorded).toEqual(['del:a']);
  });

  it.each([
    ['a 403', RemoteApiError.fromStatus(403, 'forbidden')],
    ['a 404', RemoteApiError.fromStatus(404, 'gone')],
    ['a 400', RemoteApiError.fromStatus(400, 'bad request')],
  ])('gives up on %s, keeps the cursor, and lets live events through', async (_n, failure) => {
    let attempts = 0;
    const t = world(async () => {
      attempts++;
      throw failure;
    });
    await t.ctx.catchUp('w');
    expect(attempts).toBe(1);
    await t.ctx.emit(del('c', 'live', 5));
    expect(t.recorded).toEqual(['del:live']);
    expect(await t.ctx.cursors.get({ workspace: 'w', channel: 'c' })).toBeUndefined();
  });

  it('holds a live event of a channel until its catch-up is recorded', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = world(async () => {
      await gate;
      return { events: [del('c', 'missed', 1)], nextCursor: '1', hasMore: false };
    });
    const round = t.ctx.catchUp('w');
    const live = t.ctx.emit(del('c', 'live', 2));
    await waitFor(() => t.recorded.length === 0 && true, { what: 'nothing recorded yet' });
    release();
    await Promise.all([round, live]);
    expect(t.recorded).toEqual(['del:missed', 'del:live']);
  });

  it('runs a pending channel first when its live event comes before the round gets to it', async () => {
    const order: string[] = [];
    const links = [link('a'), link('b'), link('c')];
    const t = world(async (l) => {
      order.push(l.channel);
      return { events: [del(l.channel, `m-${l.channel}`, 1)], nextCursor: '1', hasMore: false };
    }, links);
    const live = t.ctx.emit(del('c', 'live', 2));
    await live; // nothing pending yet: recorded at once
    const round = t.ctx.catchUp('w');
    const second = t.ctx.emit(del('c', 'live2', 3));
    await Promise.all([round, second]);
    expect(t.recorded.indexOf('del:m-c')).toBeLessThan(t.recorded.indexOf('del:live2'));
    expect(order.sort()).toEqual(['a', 'b', 'c']);
  });

  it('drops events a page holds for another channel', async () => {
    const t = world(async () => ({
      events: [del('other', 'x', 1), del('c', 'a', 2)],
      nextCursor: '2',
      hasMore: false,
    }));
    await t.ctx.catchUp('w');
    expect(t.recorded).toEqual(['del:a']);
  });

  it('stop ends retries, and a live event waiting for the stopped catch-up is refused', async () => {
    const t = world(async () => {
      throw RemoteApiError.fromStatus(503, 'unavailable');
    });
    const round = t.ctx.catchUp('w');
    const live = t.ctx.emit(del('c', 'live', 2));
    await waitFor(
      async () =>
        (await Promise.race([round.then(() => 'done'), Promise.resolve('running')])) === 'running',
      { what: 'the retrying round' },
    );
    await t.kit.stopCatchUp();
    await round;
    await expect(live).rejects.toThrow('stopping');
    expect(t.recorded).toEqual([]);
  });
});

describe('live cursor moves during a catch-up', () => {
  it('are left to the catch-up, so the cursor never passes a missed message', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = world(async () => {
      await gate;
      return { events: [del('c', 'missed', 10)], nextCursor: '10', hasMore: false };
    });
    const ref = { workspace: 'w', channel: 'c' };
    const round = t.ctx.catchUp('w');
    t.ctx.cursors.advance(ref, '50'); // e.g. the bridge's own post, seen live: nothing recorded
    expect(await t.ctx.cursors.get(ref)).toBeUndefined();
    release();
    await round;
    expect(await t.ctx.cursors.get(ref)).toBe('10');
    t.ctx.cursors.advance(ref, '50'); // no catch-up now: a live move counts
    expect(await t.ctx.cursors.get(ref)).toBe('50');
  });
});
