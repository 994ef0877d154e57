import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { coreMigrations } from '../../migrations/index.js';
import { BridgeError, errorMessage } from '../util/errors.js';
import { migrate } from './migration-source.js';

export interface DatabaseOptions {
  /** PostgreSQL connection URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; `memory://` keeps everything in memory. */
  dataDir: string;
}

/** Opens the database and brings the core schema up to date. */
export async function openDatabase(opts: DatabaseOptions): Promise<Knex> {
  const knex = opts.url ? openPostgres(opts.url) : await openPglite(opts.dataDir);
  await migrate(knex, coreMigrations);
  return knex;
}

function openPostgres(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 10 } });
}

/**
 * The embedded database's settings. PGlite's default 128 MB of shared buffers live in the
 * bridge's own heap and are never given back; the bridge's working set is small, so 16 MB
 * keeps it ~140 MB smaller (measured in docs/performance.md).
 */
const PGLITE_SETTINGS = ['shared_buffers = 16MB'];

async function openPglite(dataDir: string): Promise<Knex> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    await initialisePglite(dataDir);
  }
  const pglite = new PGlite(dataDir, { postgresqlconf: PGLITE_SETTINGS });
  return knexFactory({
    client: ClientPGLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
    useNullAsDefault: true,
  });
}

/**
 * Creating a PGlite data folder (initdb) leaves ~600 MB in the heap of the process that
 * did it, so a new folder is created by a short-lived child process instead.
 */
async function initialisePglite(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const modulePath = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `const { PGlite } = require(process.argv[1]);
    const db = new PGlite(process.argv[2], { postgresqlconf: JSON.parse(process.argv[3]) });
    db.waitReady.then(() => db.close()).catch((err) => {
      console.error(String((err && err.message) || err));
      process.exit(1);
    });`;
  try {
    await promisify(execFile)(
      process.execPath,
      ['-e', script, modulePath, dataDir, JSON.stringify(PGLITE_SETTINGS)],
      { timeout: 120_000 },
    );
  } catch (err) {
    const reason = (err as { stderr?: string }).stderr?.trim() || errorMessage(err);
    throw new BridgeError(
      'DATABASE_INIT_FAILED',
      `cannot create the embedded database in ${dataDir}: ${reason}. Check that the folder is writable and the disk has space (database.data_dir), or use PostgreSQL (database.url).`,
    );
  }
}

/** bigint columns come back as strings from pg; normalise to numbers. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** The rows of a `knex.raw` result (pg and PGlite both answer `{ rows }`). */
export function rawRows<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? [];
}
