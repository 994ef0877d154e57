import type { Knex } from 'knex';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Feeds knex a fixed, ordered list of migrations compiled into the program. */
export class ListMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: Migration[]) {}

  getMigrations(): Promise<Migration[]> {
    return Promise.resolve(this.migrations);
  }

  getMigrationName(migration: Migration): string {
    return migration.name;
  }

  getMigration(migration: Migration): Promise<Knex.Migration> {
    return Promise.resolve({ up: migration.up, down: migration.down });
  }
}

/** Runs migrations, each list with its own table of applied migrations. */
export async function migrate(
  knex: Knex,
  migrations: Migration[],
  tableName = 'knex_migrations',
): Promise<void> {
  await knex.migrate.latest({
    migrationSource: new ListMigrationSource(migrations),
    tableName,
  });
}
