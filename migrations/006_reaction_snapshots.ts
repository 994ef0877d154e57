import type { Knex } from 'knex';
import { importReactionLedgers } from './reaction-ledgers.js';

// Which reactions of each platform message a connector has passed on, so a snapshot of the
// message's reactions (all a platform tells on some paths) can be turned into adds and
// removes (src/connector/reaction-snapshots.ts). Keyed by the platform's ids, not by the
// core's `messages`: a reaction can come in before its message is delivered. Rows go with
// the message map's retention (`updated_at`). Replaces the per-connector ledgers that were
// kept as JSON in `connector_kv`; their content is carried over.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reaction_snapshots', (t) => {
    t.text('connector').notNullable();
    t.text('workspace').notNullable();
    t.text('channel').notNullable();
    t.text('message_id').notNullable();
    // As the platform's snapshot names the person (an id, or a username).
    t.text('sender').notNullable();
    // The platform's own reaction name.
    t.text('reaction').notNullable();
    // How many times this person put this reaction on this message: event keys stay unique.
    t.integer('generation').notNullable();
    // False once the removal was passed on; kept for the generation.
    t.boolean('present').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['connector', 'workspace', 'channel', 'message_id', 'sender', 'reaction']);
    t.index(['updated_at']);
  });
  await importReactionLedgers(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reaction_snapshots');
}
