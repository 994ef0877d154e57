import type { Knex } from 'knex';

// Administration: who changed which link, through which path, and the rooms where the bot
// takes commands. Times are epoch milliseconds, as in 001.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.bigInteger('at').notNullable();
    // A Matrix user id, `provisioning-secret`, `config-file` or `anonymous`.
    t.text('actor').notNullable();
    // api, console, command, cli, config.
    t.text('path').notNullable();
    // link, unlink, list_portals, … (see src/admin/permissions.ts).
    t.text('action').notNullable();
    // ok, denied, unauthenticated, invalid, failed.
    t.text('outcome').notNullable();
    t.text('room_id');
    t.text('connector');
    t.text('workspace');
    t.text('channel');
    // Why it failed or what else happened; bounded, never a secret or message text.
    t.text('detail');
    // Network address of an HTTP caller.
    t.text('client');
    t.index(['at']);
  });

  // Direct-message rooms in which the bot answers !commands, with the user who opened them.
  await knex.schema.createTable('admin_rooms', (t) => {
    t.text('room_id').primary();
    t.text('user_id').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('admin_rooms');
  await knex.schema.dropTableIfExists('audit_log');
}
