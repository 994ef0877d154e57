import type { Knex } from 'knex';

// Catch-up cursors move from connector key/value JSON into a core-owned table: one row per
// (connector, workspace, channel, thread), so the core can read a connector's cursors in one
// query and write many in one statement. `thread` is '' for a whole channel. The cursor is
// opaque text that the connector gave (a time, a platform timestamp, a page token).
//
// connector_kv gains an expiry: records such as a send ledger's are forgotten after it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('channel_cursors', (t) => {
    t.text('connector').notNullable();
    t.text('workspace').notNullable();
    t.text('channel').notNullable();
    t.text('thread').notNullable().defaultTo('');
    t.text('cursor').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['connector', 'workspace', 'channel', 'thread']);
  });
  await knex.schema.alterTable('connector_kv', (t) => {
    t.bigInteger('expires_at');
    t.index(['expires_at']);
  });
  await adoptLegacyCursors(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('connector_kv', (t) => {
    t.dropIndex(['expires_at']);
    t.dropColumn('expires_at');
  });
  await knex.schema.dropTableIfExists('channel_cursors');
}

interface LegacyRow {
  connector: string;
  key: string;
  value: string;
}

interface CursorRow {
  connector: string;
  workspace: string;
  channel: string;
  thread: string;
  cursor: string;
  updated_at: number;
}

/**
 * Connectors kept their cursors in connector_kv under `cursor:{workspace}:{channel}` (one
 * value) or `cursors:{workspace}:{n}` (a JSON object channel → cursor, one shard of many).
 * Workspace names never contain `:` (config schema), channel ids may. Each is moved into the
 * table once, here, and deleted; a damaged value is deleted too (its channel then catches up
 * from its link time, which replays at most what the inbox already drops by key).
 */
async function adoptLegacyCursors(knex: Knex): Promise<void> {
  const legacy: LegacyRow[] = await knex('connector_kv')
    .where('key', 'like', 'cursor:%')
    .orWhere('key', 'like', 'cursors:%')
    .select('connector', 'key', 'value');
  const now = Date.now();
  const rows = new Map<string, CursorRow>();
  const add = (connector: string, workspace: string, channel: string, cursor: string): void => {
    if (!workspace || !channel || !cursor) return;
    const id = JSON.stringify([connector, workspace, channel]);
    rows.set(id, { connector, workspace, channel, thread: '', cursor, updated_at: now });
  };
  for (const row of legacy) {
    const [prefix, workspace, ...rest] = row.key.split(':');
    if (prefix === 'cursor') add(row.connector, workspace ?? '', rest.join(':'), row.value);
    else
      for (const [channel, c] of shardEntries(row.value))
        add(row.connector, workspace ?? '', channel, c);
  }
  if (rows.size > 0) await knex.batchInsert('channel_cursors', [...rows.values()], 500);
  for (const row of legacy) {
    await knex('connector_kv').where({ connector: row.connector, key: row.key }).delete();
  }
}

function shardEntries(raw: string): Array<[string, string]> {
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return [];
    return Object.entries(parsed as Record<string, unknown>)
      .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
      .map(([channel, value]) => [channel, String(value)]);
  } catch {
    return [];
  }
}
