import { mkdirSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { coreMigrations } from '../../migrations/index.js';
import { migrate } from './migration-source.js';

export interface DatabaseOptions {
  /** PostgreSQL connection URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; `memory://` keeps everything in memory. */
  dataDir: string;
}

/** Opens the database and brings the core schema up to date. */
export async function openDatabase(opts: DatabaseOptions): Promise<Knex> {
  const knex = opts.url ? openPostgres(opts.url) : openPglite(opts.dataDir);
  await migrate(knex, coreMigrations);
  return knex;
}

function openPostgres(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
}

function openPglite(dataDir: string): Knex {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  return knexFactory({
    client: ClientPGLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: { filename: dataDir } as Knex.StaticConnectionConfig,
    useNullAsDefault: true,
  });
}

/** bigint columns come back as strings from pg; normalise to numbers. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
