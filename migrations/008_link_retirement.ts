import type { Knex } from 'knex';

// A retired channel stays linked for a grace period in which its platform side is read-only
// for the bridge (nothing from Matrix or other channels goes there), then it is unlinked.
// `retire_until` is when the unlink is due (epoch ms); NULL for a link in normal service.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('portal_links', (t) => {
    t.bigInteger('retire_until');
    t.string('retired_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('portal_links', (t) => {
    t.dropColumn('retired_by');
    t.dropColumn('retire_until');
  });
}
