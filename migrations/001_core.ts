import type { Knex } from 'knex';

// Times are epoch milliseconds in bigint columns: same meaning on PostgreSQL and PGlite,
// no timezone parsing anywhere.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portals', (t) => {
    t.bigIncrements('id');
    t.text('room_id').notNullable().unique();
    t.text('name');
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('portal_links', (t) => {
    t.bigIncrements('id');
    t.bigInteger('portal_id').notNullable().references('portals.id').onDelete('CASCADE');
    t.text('connector').notNullable();
    t.text('workspace').notNullable();
    t.text('channel').notNullable();
    // Where the link came from: config (declarative), api, command, cli.
    t.text('source').notNullable();
    t.text('created_by');
    t.bigInteger('created_at').notNullable();
    t.unique(['connector', 'workspace', 'channel']);
    t.index(['portal_id']);
  });

  // Every Matrix event and remote event is recorded here before it is acknowledged.
  await knex.schema.createTable('inbox', (t) => {
    t.bigIncrements('id');
    t.text('source').notNullable();
    t.text('event_key').notNullable();
    t.bigInteger('portal_id').notNullable().references('portals.id').onDelete('CASCADE');
    // Null once processed: content is not kept (data minimisation).
    t.jsonb('payload');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('finished_at');
    t.unique(['source', 'event_key']);
    t.index(['portal_id', 'status', 'id']);
  });

  // Targets of an inbox event already delivered, so a retry skips them.
  await knex.schema.createTable('inbox_deliveries', (t) => {
    t.bigInteger('inbox_id').notNullable().references('inbox.id').onDelete('CASCADE');
    t.text('target').notNullable();
    t.primary(['inbox_id', 'target']);
  });

  // One logical message, seen on several sides.
  await knex.schema.createTable('messages', (t) => {
    t.bigIncrements('id');
    t.bigInteger('portal_id').notNullable().references('portals.id').onDelete('CASCADE');
    t.text('origin_side').notNullable();
    // Author of the Matrix-side event (a real user or a ghost): who may edit or redact it.
    t.text('matrix_sender');
    t.bigInteger('created_at').notNullable();
    t.index(['created_at']);
  });

  // Native ids of a logical message per side ('matrix' or 'connector/workspace/channel').
  await knex.schema.createTable('message_parts', (t) => {
    t.bigInteger('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.text('side').notNullable();
    t.text('native_id').notNullable();
    t.integer('part').notNullable().defaultTo(0);
    t.primary(['side', 'native_id']);
    t.index(['message_id']);
  });

  await knex.schema.createTable('reactions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('origin_side').notNullable();
    // Matrix user id, or the remote user id on origin_side.
    t.text('sender').notNullable();
    // The Matrix reaction event: the user's own, or the ghost's that the bridge sent.
    t.text('matrix_event_id').unique();
    t.bigInteger('created_at').notNullable();
    t.unique(['message_id', 'key', 'origin_side', 'sender']);
  });

  await knex.schema.createTable('ghosts', (t) => {
    t.text('user_id').primary();
    t.text('connector').notNullable();
    t.text('workspace').notNullable();
    t.text('remote_user_id').notNullable();
    t.text('display_name');
    t.text('avatar_id');
    t.text('avatar_mxc');
    t.bigInteger('profile_synced_at');
    t.unique(['connector', 'workspace', 'remote_user_id']);
  });

  await knex.schema.createTable('connector_kv', (t) => {
    t.text('connector').notNullable();
    t.text('key').notNullable();
    t.text('value').notNullable();
    t.primary(['connector', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'connector_kv',
    'ghosts',
    'reactions',
    'message_parts',
    'messages',
    'inbox_deliveries',
    'inbox',
    'portal_links',
    'portals',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
