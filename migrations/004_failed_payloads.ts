import type { Knex } from 'knex';

// Data minimisation: a delivery that failed for good keeps its ids and reason (for the
// operator's failure listing) but not the message it carried. Rows failed before this
// version still hold their payload; this clears them. Nothing to restore on the way down.
export async function up(knex: Knex): Promise<void> {
  await knex('inbox').where({ status: 'failed' }).whereNotNull('payload').update({ payload: null });
}

export async function down(): Promise<void> {}
