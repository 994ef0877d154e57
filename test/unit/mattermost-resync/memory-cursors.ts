import { CursorBook, type CursorRow } from '../../../src/connector/cursor-book.js';
import { silentLogger } from '../../../src/util/logger.js';

const PREFIX = 'cursor-row:';

/**
 * The core's write-behind cursor book over a Map (rows under `cursor-row:…`), so a
 * connector restarted on the same Map finds its cursors; `saves` counts the table writes.
 */
export function memoryCursors(store: Map<string, string>, flushMs?: number) {
  const counter = { saves: 0 };
  const book = new CursorBook(
    {
      load: async () =>
        [...store].filter(([k]) => k.startsWith(PREFIX)).map(([, v]) => JSON.parse(v) as CursorRow),
      save: async (rows) => {
        counter.saves++;
        for (const r of rows) store.set(`${PREFIX}${r.workspace}:${r.channel}`, JSON.stringify(r));
      },
    },
    silentLogger(),
    flushMs,
  );
  return { book, counter };
}

/** The stored cursor of `channel` in workspace `main`, as a number. */
export function storedCursor(store: Map<string, string>, channel: string): number | undefined {
  const raw = store.get(`${PREFIX}main:${channel}`);
  return raw === undefined ? undefined : Number((JSON.parse(raw) as CursorRow).cursor);
}
