import type { Knex } from 'knex';

// Retention for connector storage: an entry neither written nor read for
// `retention.connector_storage_days` is forgotten, so each row records when it was last used.
// Rows from before this version count as used now: their age is unknown, and pruning them at
// once could drop state a connector still needs. NULL only for the core's own `_core` rows
// written beside the store (the pseudonym key), which retention never prunes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('connector_kv', (t) => {
    t.bigInteger('touched_at');
  });
  await knex('connector_kv').update({ touched_at: Date.now() });
  await knex.schema.alterTable('connector_kv', (t) => {
    t.index(['touched_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('connector_kv', (t) => {
    t.dropIndex(['touched_at']);
    t.dropColumn('touched_at');
  });
}
