import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions extends Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> {
  /** Kill the process (SIGKILL) after this many ms. */
  timeoutMs?: number;
}

/** Runs a command to completion, capturing its output. Never throws for a non-zero exit. */
export function run(
  command: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Like {@link run} but throws (with the output) unless the exit code is 0. */
export async function runChecked(
  command: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.code ?? result.signal})\n` +
        `--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
  }
  return result;
}

/** The last `lines` lines of a text file, or a note that it is missing. */
export function tailFile(path: string, lines = 60): string {
  if (!existsSync(path)) return `(no file at ${path})`;
  const text = readFileSync(path, 'utf8');
  return text.split('\n').slice(-lines).join('\n');
}

/** True when the environment asks the harness to keep its files (logs, data) for inspection. */
export function keepFiles(): boolean {
  const v = process.env.HARNESS_KEEP;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

const exitHooks = new Set<() => void>();
let exitHandlerInstalled = false;

/**
 * Registers a synchronous cleanup to run if the Node process exits without the normal async
 * teardown having run (crash, process.exit). Returns a function that unregisters it.
 */
export function onProcessExit(hook: () => void): () => void {
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.once('exit', () => {
      for (const h of exitHooks) {
        try {
          h();
        } catch {
          // best effort
        }
      }
    });
  }
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

/** True if a process with this pid exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
