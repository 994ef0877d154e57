import type { CursorRow, CursorRows } from '../../../src/connector/cursor-book.js';

const PREFIX = 'cursor-row:';

/**
 * The core's cursor table over a Map (rows under `cursor-row:…`), so a connector restarted
 * on the same Map finds its cursors; `saves` counts the table writes.
 */
export function memoryCursorRows(store: Map<string, string>) {
  const counter = { saves: 0 };
  const rows: CursorRows = {
    load: async () =>
      [...store].filter(([k]) => k.startsWith(PREFIX)).map(([, v]) => JSON.parse(v) as CursorRow),
    save: async (saved) => {
      counter.saves++;
      for (const r of saved) store.set(`${PREFIX}${r.workspace}:${r.channel}`, JSON.stringify(r));
    },
  };
  return { rows, counter };
}

/** The stored cursor of `channel` in workspace `main`, as a number. */
export function storedCursor(store: Map<string, string>, channel: string): number | undefined {
  const raw = store.get(`${PREFIX}main:${channel}`);
  return raw === undefined ? undefined : Number((JSON.parse(raw) as CursorRow).cursor);
}
