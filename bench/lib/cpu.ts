/** CPU time of processes (from /proc), to see who works how hard during a measurement. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc times (100 on Linux unless the kernel says otherwise). */
const TICKS = 100;

/** User + system CPU milliseconds used so far by `pid`, or NaN when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The pid of the process whose command line contains `needle` (e.g. a Synapse run folder). */
export function findPid(needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle) && !cmd.includes('chroot')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
