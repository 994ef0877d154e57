/**
 * The core's write-behind cursor book: moves are kept in memory and saved together, never
 * backwards for decimal cursors, kept dirty when a save fails, and all saved by flush().
 */
import { describe, expect, it } from 'vitest';
import { compareDecimalCursors, movesForward } from '../../../src/connector/cursor-order.js';
import { CursorBook, type CursorRow, type CursorRows } from '../../../src/connector/cursor-book.js';
import { silentLogger } from '../../../src/util/logger.js';
import { waitFor } from '../../harness/wait.js';

class MemoryRows implements CursorRows {
  saved = new Map<string, CursorRow>();
  saves: CursorRow[][] = [];
  failNext = 0;
  async load(): Promise<CursorRow[]> {
    return [...this.saved.values()];
  }
  async save(rows: CursorRow[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.saves.push(rows);
    for (const r of rows) this.saved.set(`${r.workspace}/${r.channel}/${r.thread}`, r);
  }
}

const ref = (channel: string, thread?: string) => ({ workspace: 'w', channel, thread });

describe('decimal cursor order', () => {
  it.each([
    ['1', '2', -1],
    ['10', '9', 1],
    ['0010', '10', 0],
    ['1700000000.000100', '1700000000.0001', 0],
    ['1700000000.000099', '1700000000.000100', -1],
    ['1700000000.9', '1700000001', -1],
    ['99999999999999999999', '100000000000000000000', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareDecimalCursors(a, b) as number)).toBe(sign);
  });

  it.each([['abc'], ['-1'], ['1e5'], [''], ['1.'], ['.5'], ['1.2.3'], [' 1']])(
    'cannot order the non-decimal cursor %j',
    (odd) => {
      expect(compareDecimalCursors(odd, '1')).toBeUndefined();
      expect(movesForward('1', odd)).toBe(true);
      expect(movesForward(odd, odd)).toBe(false);
    },
  );
});

describe('CursorBook', () => {
  it('writes moves behind, together, and never moves a decimal cursor back', async () => {
    const rows = new MemoryRows();
    const book = new CursorBook(rows, silentLogger(), 20);
    expect(await book.get(ref('a'))).toBeUndefined();
    book.advance(ref('a'), '100');
    book.advance(ref('a'), '90');
    book.advance(ref('b'), 'token-1');
    book.advance(ref('b', 'root'), '5');
    expect(await book.get(ref('a'))).toBe('100');
    expect(rows.saves).toHaveLength(0); // not on the event's path
    await waitFor(() => rows.saves.length === 1, { what: 'the timed save' });
    expect(rows.saves[0]).toHaveLength(3);
    const again = new CursorBook(rows, silentLogger(), 20);
    expect(await again.get(ref('a'))).toBe('100');
    expect(await again.get(ref('b'))).toBe('token-1');
    expect(await again.get(ref('b', 'root'))).toBe('5');
  });

  it('keeps cursors dirty when a save fails and saves them on flush', async () => {
    const rows = new MemoryRows();
    const book = new CursorBook(rows, silentLogger(), 60_000);
    book.advance(ref('a'), '1');
    rows.failNext = 1;
    await expect(book.flush()).rejects.toThrow('database unavailable');
    expect(rows.saved.size).toBe(0);
    await book.flush();
    expect(rows.saved.get('w/a/')?.cursor).toBe('1');
    await book.flush(); // nothing dirty: no empty write
    expect(rows.saves).toHaveLength(1);
  });

  it('a cursor moved while the table is read stays ahead of the stored one', async () => {
    const rows = new MemoryRows();
    rows.saved.set('w/a/', { workspace: 'w', channel: 'a', thread: '', cursor: '5' });
    const book = new CursorBook(rows, silentLogger(), 60_000);
    book.advance(ref('a'), '9');
    expect(await book.get(ref('a'))).toBe('9');
  });
});
