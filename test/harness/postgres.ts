import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';
import { keepFiles, onProcessExit, run, runChecked, tailFile, type RunOptions } from './proc.js';

export interface PostgresHandle {
  /** Superuser URL of the maintenance database: postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** The temporary folder holding the cluster (data/), its log and its unix socket. */
  dir: string;
  /** How long startPostgres took, in ms. */
  startupMs: number;
  /** Creates a database (UTF8, C collation) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder (kept when HARNESS_KEEP=1). */
  stop(): Promise<void>;
}

/** The OS user that runs PostgreSQL when we are root (initdb and postgres refuse root). */
export const POSTGRES_OS_USER = process.env.HARNESS_PG_USER ?? 'bridgetest';

interface OsUser {
  uid: number;
  gid: number;
}

async function ensureOsUser(name: string): Promise<OsUser> {
  const lookup = async (): Promise<OsUser | undefined> => {
    const u = await run('id', ['-u', name]);
    const g = await run('id', ['-g', name]);
    if (u.code !== 0 || g.code !== 0) return undefined;
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  };
  const found = await lookup();
  if (found) return found;
  const added = await run('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    name,
  ]);
  // Exit code 9: the user appeared meanwhile (another test run created it). Fine.
  if (added.code !== 0 && added.code !== 9) {
    throw new Error(`useradd ${name} failed (exit ${added.code}): ${added.stderr}`);
  }
  const created = await lookup();
  if (!created) throw new Error(`OS user ${name} still missing after useradd`);
  return created;
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Replaces the database part of a postgres:// URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * Creates a database on the server at `serverUrl` and returns its URL.
 * `collateC` uses template0 with C collation and ctype (what Synapse requires).
 */
export async function createDatabaseAt(
  serverUrl: string,
  name: string,
  opts: { collateC?: boolean } = {},
): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const extra = opts.collateC
      ? ` ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`
      : '';
    await client.query(`CREATE DATABASE ${quoteIdent(name)}${extra}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}

/**
 * Starts a throw-away PostgreSQL cluster: initdb into a temporary folder, listening on
 * 127.0.0.1 on a free port, unix socket in that folder, durability switched off for speed.
 */
export async function startPostgres(): Promise<PostgresHandle> {
  const started = Date.now();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? await ensureOsUser(POSTGRES_OS_USER) : undefined;

  const dir = mkdtempSync(join(tmpdir(), 'bridge-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (user) chownSync(dir, user.uid, user.gid);

  const runOpts: RunOptions = {
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', PGTZ: 'UTC' },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  };

  const removeDir = (): void => {
    if (!keepFiles()) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await runChecked(
      'initdb',
      [
        '-D',
        dataDir,
        '--auth=trust',
        '-U',
        'postgres',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { ...runOpts, timeoutMs: 120_000 },
    );
  } catch (err) {
    removeDir();
    throw err;
  }

  const baseConf = [
    '',
    '# --- test harness settings ---',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 300',
    "timezone = 'UTC'",
    '',
  ].join('\n');
  appendFileSync(join(dataDir, 'postgresql.conf'), baseConf);

  const pgCtlStopSync = (): void => {
    spawnSync('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '20'], {
      ...runOpts,
      stdio: 'ignore',
    });
  };

  let port = 0;
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    port = await freePort();
    // Later settings win in postgresql.conf.
    appendFileSync(join(dataDir, 'postgresql.conf'), `port = ${port}\n`);
    const res = await run(
      'pg_ctl',
      ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-s'],
      { ...runOpts, timeoutMs: 90_000 },
    );
    if (res.code === 0) {
      lastError = '';
      break;
    }
    lastError =
      `pg_ctl start failed (exit ${res.code ?? res.signal}) on port ${port}\n${res.stdout}${res.stderr}\n` +
      `--- postgres log (${logFile}) ---\n${tailFile(logFile)}`;
    pgCtlStopSync();
    if (!/could not bind|address already in use/i.test(tailFile(logFile, 200))) break;
  }
  if (lastError) {
    console.error(lastError);
    removeDir();
    throw new Error(lastError);
  }

  const unregister = onProcessExit(() => {
    pgCtlStopSync();
    removeDir();
  });

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const elapsed = Date.now() - started;
  if (process.env.HARNESS_VERBOSE || keepFiles()) {
    console.log(`[harness] PostgreSQL ready on ${url} in ${elapsed} ms (folder ${dir})`);
  }

  let stopped = false;
  return {
    url,
    port,
    dir,
    startupMs: elapsed,
    createDatabase: (name: string) => createDatabaseAt(url, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      unregister();
      const res = await run(
        'pg_ctl',
        ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '30', '-s'],
        {
          ...runOpts,
          timeoutMs: 60_000,
        },
      );
      if (res.code !== 0) {
        console.error(`[harness] pg_ctl stop failed: ${res.stdout}${res.stderr}`);
      }
      if (keepFiles()) {
        console.log(`[harness] kept PostgreSQL folder ${dir}`);
      } else {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
