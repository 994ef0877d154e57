/**
 * docs/data-protection.md lists every table and column of the migrated schema, each with
 * whether it is personal, why, how long and how it is erased. A migration that adds a table
 * or column fails here until the inventory says what it keeps.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rawRows } from '../../src/store/database.js';

const DOC = readFileSync(
  fileURLToPath(new URL('../../docs/data-protection.md', import.meta.url)),
  'utf8',
);

/** `### \`table\`` sections → the column names of their table rows (`| \`col\` | …`). */
function documented(doc: string): Map<string, Array<{ column: string; cells: string[] }>> {
  const tables = new Map<string, Array<{ column: string; cells: string[] }>>();
  let current: Array<{ column: string; cells: string[] }> | undefined;
  for (const line of doc.split('\n')) {
    const heading = /^### `([a-z_]+)`$/.exec(line);
    if (heading) tables.set(heading[1]!, (current = []));
    else if (line.startsWith('## ')) current = undefined;
    const row = /^\| `([a-z_]+)` \|(.*)\|$/.exec(line);
    if (row && current) {
      current.push({ column: row[1]!, cells: row[2]!.split('|').map((c) => c.trim()) });
    }
  }
  return tables;
}

let db: Knex;
let schema: Map<string, string[]>;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const rows = rawRows<{ table_name: string; column_name: string }>(
    await db.raw(
      `select table_name, column_name from information_schema.columns
       where table_schema = current_schema() and table_name not like 'knex\\_%'
       order by table_name, ordinal_position`,
    ),
  );
  schema = new Map();
  for (const r of rows)
    schema.set(r.table_name, [...(schema.get(r.table_name) ?? []), r.column_name]);
});

afterAll(async () => {
  await db?.destroy();
});

describe('the data inventory (docs/data-protection.md)', () => {
  it('reads a real schema', () => {
    expect(schema.get('ghosts')).toContain('display_name');
    expect(schema.size).toBeGreaterThanOrEqual(15);
  });

  it('has a section for every table, and none for a table that does not exist', () => {
    const doc = documented(DOC);
    expect([...doc.keys()].sort()).toEqual([...schema.keys()].sort());
  });

  it('lists every column of every table, each once, with why, how long and how erased', () => {
    const doc = documented(DOC);
    for (const [table, columns] of schema) {
      const rows = doc.get(table) ?? [];
      expect(rows.map((r) => r.column).sort(), `columns of ${table}`).toEqual([...columns].sort());
      for (const row of rows) {
        expect(row.cells, `${table}.${row.column}`).toHaveLength(4);
        expect(
          row.cells.every((c) => c.length > 0),
          `${table}.${row.column}`,
        ).toBe(true);
        expect(row.cells[0], `${table}.${row.column}: personal`).toMatch(
          /^(no|(id|name|content|token|address)(, (id|name|content|token|address))*)$/,
        );
      }
    }
  });

  it('names a way to erase every column that holds personal data', () => {
    for (const [table, rows] of documented(DOC)) {
      for (const row of rows.filter((r) => r.cells[0] !== 'no')) {
        expect(row.cells[3], `${table}.${row.column}`).not.toBe('n/a');
      }
    }
  });
});
