/**
 * A real ClamAV daemon for tests: a temporary folder with a clamd.conf (TCP on a free port
 * of 127.0.0.1, in the foreground, running as the current user: no `User` line) and a
 * signature database the test writes itself, `eicar.hdb`, whose one line detects the EICAR
 * test file by its MD5 and size (no signature download is possible, or wanted, here).
 * Started with `clamd -c FILE`, ready when it answers PING with PONG; stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClamdClient } from '../../src/media/clamd-client.js';
import { eicarSignatureLine } from '../fixtures/files.js';
import { freePort } from './ports.js';
import { keepFiles, onProcessExit, tailFile } from './proc.js';
import { waitFor } from './wait.js';

/** Loading even a one-line database takes seconds, more on a loaded machine. */
const START_DEADLINE_MS = 120_000;
const STOP_DEADLINE_MS = 20_000;
const SYSTEM_CLAMD = '/usr/sbin/clamd';

export interface ClamdOptions {
  /** clamd's StreamMaxLength (e.g. `1M`): longer INSTREAM files get `size limit exceeded`. */
  streamMaxLength?: string;
}

export interface RunningClamd {
  host: string;
  port: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

function writeConfig(dir: string, port: number, opts: ClamdOptions): string {
  writeFileSync(join(dir, 'eicar.hdb'), `${eicarSignatureLine()}\n`);
  const lines = [
    'Foreground true',
    `TCPSocket ${port}`,
    'TCPAddr 127.0.0.1',
    `DatabaseDirectory ${dir}`,
    `LogFile ${join(dir, 'clamd.log')}`,
    `StreamMaxLength ${opts.streamMaxLength ?? '25M'}`,
    // A test's clamd is stopped long before this; it need not re-read its database.
    'SelfCheck 3600',
  ];
  const file = join(dir, 'clamd.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** clamd is in /usr/sbin, which a non-root PATH often lacks. */
function clamdBinary(): string {
  const onPath = (process.env.PATH ?? '')
    .split(':')
    .some((dir) => dir !== '' && existsSync(join(dir, 'clamd')));
  return onPath || !existsSync(SYSTEM_CLAMD) ? 'clamd' : SYSTEM_CLAMD;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}

export async function startClamd(opts: ClamdOptions = {}): Promise<RunningClamd> {
  const dir = mkdtempSync(join(tmpdir(), 'clamd-test-'));
  const port = await freePort();
  const config = writeConfig(dir, port, opts);
  const logFile = join(dir, 'clamd.log');
  const child = spawn(clamdBinary(), ['-c', config], { stdio: 'ignore' });
  const pid = child.pid;
  const forget = onProcessExit(() => {
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `clamd exited (${code ?? signal})`));
  child.once('error', (err) => (exit = `cannot run clamd: ${err.message}`));
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    forget();
    if (!keepFiles()) rmSync(dir, { recursive: true, force: true });
  };
  const client = new ClamdClient({ host: '127.0.0.1', port }, { timeoutMs: 5_000 });
  try {
    await waitFor(
      async () => {
        if (exit) throw new Error(`${exit}; its log:\n${tailFile(logFile)}`);
        return client.ping();
      },
      {
        what: `clamd on port ${port} to answer PING`,
        timeoutMs: START_DEADLINE_MS,
        intervalMs: 200,
      },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, dir, logFile, stop };
}
