/**
 * The bridge as a separate process (the built CLI), so it can be SIGKILLed or measured on
 * its own (memory, cold start). Works from the compiled bench and from vitest alike: the CLI
 * is found as dist/src/cli/main.js under the repository root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Output kept for failure messages (the newest part; key log lines are indexed apart). */
const MAX_LOG_CHARS = 1_000_000;

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bridge-process: cannot find the repository root');
    dir = up;
  }
  return dir;
}

export function cliPath(): string {
  const path = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return path;
}

export interface BridgeProcessOptions {
  configPath: string;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
}

interface LogLine {
  msg?: unknown;
  time?: unknown;
  status?: unknown;
}

/** One run of the bridge process; `start` again after `kill` for a restart. */
export class BridgeProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private partial = '';
  /** Per run: the log time of the first line with each `msg` (and `msg|status`). */
  private firstSeen = new Map<string, number>();
  /** Wall-clock time (epoch ms) of the current run's spawn. */
  startedAt = 0;

  constructor(private readonly opts: BridgeProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The newest part of what the process printed (all runs), for failure messages. */
  log(): string {
    return this.output;
  }

  start(): void {
    if (this.running) throw new Error('bridge process already running');
    this.startedAt = Date.now();
    this.firstSeen = new Map();
    this.partial = '';
    const child = spawn(
      process.execPath,
      [...(this.opts.nodeArgs ?? []), cliPath(), 'start', '-c', this.opts.configPath],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const seen = this.firstSeen;
    const append = (d: Buffer): void => {
      const text = d.toString();
      this.output += text;
      if (this.output.length > MAX_LOG_CHARS) this.output = this.output.slice(-MAX_LOG_CHARS / 2);
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.index(line, seen);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    child.on('exit', (code, signal) => (this.output += `[bridge exited: ${code ?? signal}]\n`));
    child.on('error', (err) => (this.output += `[bridge failed to start: ${err.message}]\n`));
    this.child = child;
  }

  private index(line: string, seen: Map<string, number>): void {
    if (!line.startsWith('{')) return;
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    if (typeof parsed.msg !== 'string' || typeof parsed.time !== 'number') return;
    const keys = [parsed.msg];
    if (typeof parsed.status === 'string') keys.push(`${parsed.msg}|${parsed.status}`);
    for (const key of keys) if (!seen.has(key)) seen.set(key, parsed.time);
  }

  /**
   * Milliseconds from this run's spawn to its first log line with this `msg` (or
   * `msg|status`), by the line's own timestamp; undefined when there is none yet.
   */
  logTime(key: string): number | undefined {
    const time = this.firstSeen.get(key);
    return time === undefined ? undefined : time - this.startedAt;
  }

  /**
   * Resolves when the current run has logged `key` (see logTime; the logging level must let
   * the line through); returns the milliseconds since the run's spawn.
   */
  async waitForLog(key: string, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ms = this.logTime(key);
      if (ms !== undefined) return ms;
      if (!this.running)
        throw new Error(`bridge exited before "${key}":\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline)
        throw new Error(
          `bridge did not log "${key}" in ${timeoutMs} ms:\n${this.output.slice(-3000)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM (a clean stop), then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<boolean>((r) => {
      const timer = setTimeout(() => r(false), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        r(true);
      });
    });
    child.kill('SIGTERM');
    if (!(await exited)) await this.kill('SIGKILL');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
