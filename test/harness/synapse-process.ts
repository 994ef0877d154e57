/** The Synapse process and its run folders: stale-run clean-up, exit waits, log reads. */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from './proc.js';

export function sweepStaleRunDirs(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  for (const name of readdirSync(dataDir)) {
    if (!name.startsWith('run-')) continue;
    const dir = join(dataDir, name);
    try {
      if (existsSync(join(dir, '.keep'))) continue;
      const ownerFile = join(dir, 'owner.json');
      let stale: boolean;
      if (existsSync(ownerFile)) {
        const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as {
          pid: number;
          synapsePid?: number;
        };
        stale = !pidAlive(owner.pid);
        // The Node process that owned it died without cleaning up: its Synapse may still run.
        if (stale && owner.synapsePid && isSynapseOf(owner.synapsePid, name)) {
          try {
            process.kill(owner.synapsePid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }
      } else {
        // No owner file: a run that died while creating its folder. Leave fresh ones alone.
        stale = Date.now() - statSync(dir).mtimeMs > 60 * 60_000;
      }
      if (stale) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run may be removing it at the same time
    }
  }
}

/** True if `pid` is a Synapse started for the run folder `runId` (checked via /proc). */
function isSynapseOf(pid: number, runId: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(`/data/${runId}`) && cmdline.includes('launch.py');
  } catch {
    return false;
  }
}

export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export function readFrom(path: string, offset: number): string {
  if (!existsSync(path)) return '';
  const buf = readFileSync(path);
  return buf.subarray(Math.min(offset, buf.length)).toString('utf8');
}

export function lastLines(text: string, n: number): string {
  return text.split('\n').slice(-n).join('\n');
}
