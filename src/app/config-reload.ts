import { isDeepStrictEqual } from 'node:util';
import type { BridgeConfig } from '../config/index.js';

/** The parts of the config a reload (SIGHUP) applies; everything else needs a restart. */
export const RELOADABLE_KEYS = ['portals', 'permissions'] as const;

export interface ReloadSummary {
  /** Permission entries changed (`+@ops:agency.se admin`, `-agency-b.se`, `* user→none`). */
  permissions: string[];
  /** Declared links created, adopted, moved, removed, released, failed. */
  portals: Record<string, number>;
  /** Keys that changed in the file but only take effect at the next restart. */
  needRestart: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Dotted keys (two levels deep: `appservice.port`, `connectors.acme`) whose values differ
 * between the running config and the reloaded one, outside the reloadable parts. Only names
 * are returned: values may be secrets.
 */
export function restartOnlyChanges(current: BridgeConfig, next: BridgeConfig): string[] {
  const a = current as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  const reloadable = new Set<string>(RELOADABLE_KEYS);
  const changed: string[] = [];
  for (const key of unionOfKeys(a, b)) {
    if (reloadable.has(key) || isDeepStrictEqual(a[key], b[key])) continue;
    const [x, y] = [a[key], b[key]];
    if (!isObject(x) || !isObject(y)) {
      changed.push(key);
      continue;
    }
    for (const sub of unionOfKeys(x, y)) {
      if (!isDeepStrictEqual(x[sub], y[sub])) changed.push(`${key}.${sub}`);
    }
  }
  return changed;
}

const unionOfKeys = (a: Record<string, unknown>, b: Record<string, unknown>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
