import type { Knex } from 'knex';

// Encrypted portal rooms (the bridge cannot read end-to-end encrypted messages). A portal
// is marked once, by the first event that showed it encrypted; the notices sent for that
// event hang off it, so a restart or a replayed event never announces it again.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('portal_encryption', (t) => {
    t.bigInteger('portal_id').primary().references('portals.id').onDelete('CASCADE');
    // The m.room.encryption (or first m.room.encrypted) event that showed it.
    t.text('event_id').notNullable();
    t.text('sender').notNullable();
    // content.algorithm as sent (bounded), or `unknown`.
    t.text('algorithm').notNullable();
    t.bigInteger('at').notNullable();
  });

  // The last reminder each Matrix user got for sending encrypted messages into a portal,
  // so a reminder comes at most once per period.
  await knex.schema.createTable('encrypted_reminders', (t) => {
    t.bigInteger('portal_id').notNullable().references('portals.id').onDelete('CASCADE');
    t.text('user_id').notNullable();
    t.text('event_id').notNullable();
    t.bigInteger('at').notNullable();
    t.primary(['portal_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('encrypted_reminders');
  await knex.schema.dropTableIfExists('portal_encryption');
}
