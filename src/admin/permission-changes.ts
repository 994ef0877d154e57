import type { PermissionEntry, PermissionsConfig } from '../config/index.js';
import { isDeepStrictEqual } from 'node:util';

/** `linker`, or `linker in acme/agency-a, other` for a scoped entry. */
const describe = (e: PermissionEntry): string =>
  typeof e === 'string' ? e : e.scope ? `${e.level} in ${e.scope.join(', ')}` : e.level;

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
    if (isDeepStrictEqual(was, now)) continue;
    if (was === undefined) changes.push(`+${key} ${describe(now!)}`);
    else if (now === undefined) changes.push(`-${key}`);
    else changes.push(`${key} ${describe(was)}→${describe(now)}`);
  }
  return changes;
}
