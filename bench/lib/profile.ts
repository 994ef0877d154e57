/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time per
 * function and per package, biggest first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface Hotspot {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  functions: Hotspot[];
  packages: Hotspot[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith('node:')) return 'node core';
  const own = /\/(dist\/)?(src|connectors|migrations)\/(.*)$/.exec(url);
  return own
    ? `bridge ${own[2]}/${(own[3] as string).split('/')[0]}`
    : url.replace(/^file:\/\//, '');
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (p.endTime - p.startTime) / 1000;
  const perSample = totalMs / Math.max(1, p.samples.length);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const n of p.nodes) {
    const ms = (n.hitCount ?? 0) * perSample;
    if (ms === 0) continue;
    const f = n.callFrame;
    const short = f.url.replace(/^.*\/(node_modules|dist)\//, '');
    const name = `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
    byFn.set(name, (byFn.get(name) ?? 0) + ms);
    const pkg = f.url ? where(f.url) : f.functionName || '(native)';
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + ms);
  }
  const rank = (m: Map<string, number>): Hotspot[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({
        name,
        ms: Math.round(ms),
        percent: Math.round((ms / totalMs) * 1000) / 10,
      }));
  return { file, totalMs: Math.round(totalMs), functions: rank(byFn), packages: rank(byPkg) };
}

/** The newest .cpuprofile in `dir`. */
export function newestProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  const last = files[files.length - 1];
  return last ? join(dir, last) : undefined;
}
