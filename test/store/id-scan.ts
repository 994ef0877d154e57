/**
 * Where a string still appears in the database: every text-like column of every table,
 * read from the live schema, so a table added by a future migration is scanned too.
 */
import type { Knex } from 'knex';
import { rawRows } from '../../src/store/database.js';

export interface Hit {
  table: string;
  column: string;
  value: string;
}

export async function columnsToScan(db: Knex): Promise<Array<{ table: string; column: string }>> {
  const rows = rawRows<{ table_name: string; column_name: string }>(
    await db.raw(
      `select table_name, column_name from information_schema.columns
       where table_schema = current_schema() and table_name not like 'knex\\_%'
       and data_type in ('text', 'jsonb', 'json', 'character varying')`,
    ),
  );
  return rows.map((r) => ({ table: r.table_name, column: r.column_name }));
}

/** Every value holding `needle` (a literal substring: strpos, no pattern). */
export async function findEverywhere(db: Knex, needle: string): Promise<Hit[]> {
  const hits: Hit[] = [];
  for (const { table, column } of await columnsToScan(db)) {
    const rows = (await db(table)
      .whereRaw('strpos(??::text, ?) > 0', [column, needle])
      .select(db.raw('??::text as value', [column]))) as Array<{ value: string }>;
    hits.push(...rows.map((r) => ({ table, column, value: r.value })));
  }
  return hits;
}
