import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { freePort } from './ports.js';
import { createDatabaseAt, quoteIdent } from './postgres.js';
import { LAUNCHER, logConfig, rateLimitOverrides, registrationFor } from './synapse-config.js';
import { lastLines, readFrom, sweepStaleRunDirs, waitForExit } from './synapse-process.js';
import { keepFiles, onProcessExit, runChecked, sleep } from './proc.js';
import {
  registerWithSharedSecret,
  type RegisteredUser,
  type RegisterUserOptions,
} from './register.js';

/** One application-service registration the homeserver knows about. */
export interface AppserviceSlot {
  /** Registration id (unique per homeserver). */
  id: string;
  /** Where Synapse pushes transactions, e.g. http://127.0.0.1:PORT */
  url: string;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
  /** Users `@{userPrefix}.*:localhost` and aliases `#{userPrefix}.*:localhost` are exclusive. */
  userPrefix: string;
  /**
   * Ask Synapse to push ephemeral events (typing, receipts, presence) in transactions, under
   * both the stable `ephemeral` key and the unstable `de.sorunome.msc2409.ephemeral` key.
   * Default true.
   */
  receiveEphemeral?: boolean;
}

export interface AppserviceRetry {
  /** First retry delay after a failed transaction, seconds. */
  initialSeconds: number;
  /** Upper bound of the (doubling) retry delay, seconds. */
  maxSeconds: number;
}

export interface StartSynapseOptions {
  appservices: AppserviceSlot[];
  /**
   * A PostgreSQL server URL (any database on it, e.g. the maintenance db). A fresh database
   * with C collation is created there for this homeserver. Default: SQLite.
   */
  postgresUrl?: string;
  /**
   * Synapse retries a failed appservice transaction with a delay doubling from 2 s up to
   * 512 s, far too slow for tests. By default the harness shrinks that to 0.25 s doubling up
   * to 1 s (only the delay changes, the retry logic is Synapse's own). Pass 'synapse-default'
   * to keep Synapse's real schedule.
   */
  appserviceRetry?: AppserviceRetry | 'synapse-default';
  /** Top-level homeserver.yaml keys that replace the harness defaults. */
  extraConfig?: Record<string, unknown>;
  /** Listen on this port (the demo's fixed ports); default a free one, retried if taken. */
  port?: number;
  /** Python log level of the root logger. Default INFO. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  /** Override the Synapse root folder (else $SYNAPSE_ROOT or ~/.cache/matrix-bridge/synapse-root). */
  root?: string;
  /** Readiness timeout for each (re)start, ms. Default 90 000. */
  startTimeoutMs?: number;
}

export interface SynapseHandle {
  /** Client-server API base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  serverName: 'localhost';
  port: number;
  registrationSharedSecret: string;
  /** The chroot folder. */
  root: string;
  /** This homeserver's folder on the host (inside the root, /data/<run-id> seen from it). */
  runDir: string;
  /** Synapse's stdout/stderr log on the host. */
  logFile: string;
  /** The database URL when Synapse runs on PostgreSQL. */
  databaseUrl?: string;
  /** How long the first start took, ms (root check + config generation + boot until ready). */
  startupMs: number;
  registerUser(localpart: string, opts?: RegisterUserOptions): Promise<RegisteredUser>;
  /** Stops Synapse (SIGTERM) and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): requests hang, nothing is delivered. */
  pause(): void;
  /** Thaws a paused process (SIGCONT). */
  resume(): void;
  /** Stops Synapse (SIGTERM, SIGKILL after 10 s) and removes its folder (unless HARNESS_KEEP=1). */
  stop(): Promise<void>;
}

const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HARNESS_DIR, '..', '..');

export { registrationFor } from './synapse-config.js';

export function synapseRootPath(): string {
  return process.env.SYNAPSE_ROOT ?? join(homedir(), '.cache', 'matrix-bridge', 'synapse-root');
}

/** Builds the Synapse root if needed (fast when ready). */
export async function ensureSynapseRoot(): Promise<string> {
  const root = synapseRootPath();
  await runChecked('bash', [join(REPO_ROOT, 'scripts', 'synapse-root.sh')], {
    env: { ...process.env, SYNAPSE_ROOT: root },
    timeoutMs: 30 * 60_000,
  });
  return root;
}

export async function startSynapse(opts: StartSynapseOptions): Promise<SynapseHandle> {
  const started = Date.now();
  const serverName = 'localhost' as const;
  const root = opts.root ?? (await ensureSynapseRoot());
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  sweepStaleRunDirs(dataDir);

  const ids = new Set<string>();
  for (const slot of opts.appservices) {
    if (ids.has(slot.id)) throw new Error(`startSynapse: duplicate appservice id ${slot.id}`);
    ids.add(slot.id);
  }

  const runId = `run-${process.pid}-${randomBytes(4).toString('hex')}`;
  const runDir = join(root, 'data', runId);
  const inRoot = `/data/${runId}`; // the same folder as seen from inside the chroot
  mkdirSync(join(runDir, 'appservices'), { recursive: true });
  const writeOwner = (synapsePid?: number): void =>
    writeFileSync(
      join(runDir, 'owner.json'),
      JSON.stringify({ pid: process.pid, synapsePid, started: new Date().toISOString() }),
    );
  writeOwner();
  const logFile = join(runDir, 'synapse.log');
  const keep = keepFiles();
  if (keep) writeFileSync(join(runDir, '.keep'), '');

  const registrationPaths: string[] = [];
  for (const slot of opts.appservices) {
    const file = `${slot.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.yaml`;
    writeFileSync(join(runDir, 'appservices', file), toYaml(registrationFor(slot, serverName)));
    registrationPaths.push(`${inRoot}/appservices/${file}`);
  }
  writeFileSync(join(runDir, 'log.config'), logConfig(opts.logLevel ?? 'INFO'));
  writeFileSync(join(runDir, 'launch.py'), LAUNCHER);

  let databaseUrl: string | undefined;
  let databaseConfig: Record<string, unknown> = {
    name: 'sqlite3',
    args: { database: `${inRoot}/homeserver.db` },
  };
  if (opts.postgresUrl) {
    const dbName = `synapse_${runId.replace(/-/g, '_')}`;
    databaseUrl = await createDatabaseAt(opts.postgresUrl, dbName, { collateC: true });
    const u = new URL(databaseUrl);
    databaseConfig = {
      name: 'psycopg2',
      args: {
        user: decodeURIComponent(u.username) || 'postgres',
        ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
        dbname: dbName,
        host: u.hostname,
        port: Number(u.port || 5432),
        cp_min: 1,
        cp_max: 10,
      },
    };
  }

  const registrationSharedSecret = randomBytes(24).toString('hex');
  const retry = opts.appserviceRetry ?? { initialSeconds: 0.25, maxSeconds: 1 };

  const harnessJson = (port: number): string =>
    JSON.stringify({
      server_name: serverName,
      appservice_retry:
        retry === 'synapse-default'
          ? null
          : { initial_seconds: retry.initialSeconds, max_seconds: retry.maxSeconds },
      overrides: {
        server_name: serverName,
        public_baseurl: `http://127.0.0.1:${port}/`,
        pid_file: `${inRoot}/homeserver.pid`,
        listeners: [
          {
            port,
            bind_addresses: ['127.0.0.1'],
            type: 'http',
            tls: false,
            x_forwarded: false,
            resources: [{ names: ['client', 'openid'], compress: false }],
          },
        ],
        database: databaseConfig,
        log_config: `${inRoot}/log.config`,
        media_store_path: `${inRoot}/media_store`,
        registration_shared_secret: registrationSharedSecret,
        enable_registration: false,
        report_stats: false,
        suppress_key_server_warning: true,
        trusted_key_servers: [],
        federation_domain_whitelist: [],
        url_preview_enabled: false,
        max_upload_size: '100M',
        enable_media_repo: true,
        presence: { enabled: false },
        enable_metrics: false,
        app_service_config_files: registrationPaths,
        ...rateLimitOverrides(),
        ...(opts.extraConfig ?? {}),
      },
    });

  let port = 0;
  let child: ChildProcess | undefined;
  let stopped = false;
  const startTimeoutMs = opts.startTimeoutMs ?? 90_000;

  const unregisterExitHook = onProcessExit(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (!keep) rmSync(runDir, { recursive: true, force: true });
  });

  const logNote = (): string =>
    keep ? `log ${logFile}` : `last lines of its log (removed; HARNESS_KEEP=1 keeps it)`;

  /** Spawns Synapse and waits until it answers; returns 'bind' if the port was taken. */
  const launch = async (): Promise<'ok' | 'bind'> => {
    writeFileSync(join(runDir, 'harness.json'), harnessJson(port));
    const offset = existsSync(logFile) ? statSync(logFile).size : 0;
    const fd = openSync(logFile, 'a');
    writeSync(
      fd,
      `\n===== harness: starting Synapse on port ${port} at ${new Date().toISOString()} =====\n`,
    );
    const proc = spawn('chroot', [root, 'python3', `${inRoot}/launch.py`, inRoot], {
      stdio: ['ignore', fd, fd],
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        PYTHONUNBUFFERED: '1',
        HOME: '/root',
        TZ: 'UTC',
      },
    });
    closeSync(fd);
    child = proc;
    writeOwner(proc.pid);
    let exited = false;
    proc.once('exit', () => (exited = true));
    const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
    let spawnFailure: Error | undefined;
    void spawnError.then((e) => (spawnFailure = e));

    const versionsUrl = `http://127.0.0.1:${port}/_matrix/client/versions`;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (spawnFailure) throw new Error(`cannot start chroot: ${spawnFailure.message}`);
      if (exited) {
        const out = readFrom(logFile, offset);
        if (/Address already in use|Couldn't listen on/i.test(out)) return 'bind';
        throw new Error(
          `Synapse exited during startup (code ${proc.exitCode ?? proc.signalCode}); ${logNote()}:\n` +
            lastLines(out, 60),
        );
      }
      try {
        const res = await fetch(versionsUrl, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          await res.arrayBuffer();
          return 'ok';
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    proc.kill('SIGKILL');
    await waitForExit(proc, 5000);
    throw new Error(
      `Synapse not ready after ${startTimeoutMs} ms; ${logNote()}:\n${lastLines(readFrom(logFile, offset), 60)}`,
    );
  };

  const terminate = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      proc.kill('SIGCONT'); // in case it was paused
    } catch {
      // ignore
    }
    proc.kill('SIGTERM');
    if (!(await waitForExit(proc, 10_000))) {
      proc.kill('SIGKILL');
      await waitForExit(proc, 5000);
    }
  };

  const cleanupFiles = async (): Promise<void> => {
    if (keep) {
      console.log(`[harness] kept Synapse folder ${runDir} (log ${logFile})`);
      return;
    }
    rmSync(runDir, { recursive: true, force: true });
    if (databaseUrl && opts.postgresUrl) {
      const client = new pg.Client({ connectionString: opts.postgresUrl });
      try {
        await client.connect();
        await client.query(
          `DROP DATABASE IF EXISTS ${quoteIdent(new URL(databaseUrl).pathname.slice(1))} WITH (FORCE)`,
        );
      } catch {
        // the server may already be gone
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  };

  try {
    let outcome: 'ok' | 'bind' = 'bind';
    const attempts = opts.port ? 1 : 4;
    for (let attempt = 1; attempt <= attempts && outcome === 'bind'; attempt++) {
      port = opts.port ?? (await freePort());
      outcome = await launch();
    }
    if (outcome === 'bind') {
      const which = opts.port ? `port ${opts.port} (in use?)` : 'a free port';
      throw new Error(
        `Synapse could not bind ${which}; log:\n${lastLines(readFrom(logFile, 0), 40)}`,
      );
    }
  } catch (err) {
    await terminate();
    unregisterExitHook();
    await cleanupFiles();
    throw err;
  }

  const url = `http://127.0.0.1:${port}`;
  const startupMs = Date.now() - started;
  if (process.env.HARNESS_VERBOSE || keep) {
    console.log(
      `[harness] Synapse ready at ${url} in ${startupMs} ms (folder ${runDir}, log ${logFile})`,
    );
  }

  return {
    url,
    serverName,
    port,
    registrationSharedSecret,
    root,
    runDir,
    logFile,
    ...(databaseUrl ? { databaseUrl } : {}),
    startupMs,
    registerUser: (localpart, ropts) =>
      registerWithSharedSecret(url, registrationSharedSecret, localpart, ropts),
    async restart() {
      if (stopped) throw new Error('restart: Synapse was stopped');
      await terminate();
      let outcome: 'ok' | 'bind' = 'bind';
      // The port is kept; if something grabbed it in between, wait a little and retry.
      for (let attempt = 1; attempt <= 10 && outcome === 'bind'; attempt++) {
        outcome = await launch();
        if (outcome === 'bind') await sleep(500);
      }
      if (outcome === 'bind') throw new Error(`restart: port ${port} is taken; log ${logFile}`);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate();
      unregisterExitHook();
      await cleanupFiles();
    },
  };
}
