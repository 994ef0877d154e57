import type { PermissionsConfig } from '../config/index.js';

/**
 * What changed between two `permissions:` blocks, one line per entry, in a stable order:
 * `+@ops:agency.se admin`, `-agency-b.se`, `* user→none`. Empty when nothing changed.
 */
export function permissionChanges(before: PermissionsConfig, after: PermissionsConfig): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: string[] = [];
  for (const key of keys) {
    const was = before[key];
    const now = after[key];
    if (was === now) continue;
    if (was === undefined) changes.push(`+${key} ${now}`);
    else if (now === undefined) changes.push(`-${key}`);
    else changes.push(`${key} ${was}→${now}`);
  }
  return changes;
}
