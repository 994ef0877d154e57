import {
  PERMISSION_LEVELS,
  type PermissionEntry,
  type PermissionLevel,
  type PermissionsConfig,
} from '../config/index.js';
import { PermissionScope, type Grant } from './permission-scope.js';

export type { PermissionLevel } from '../config/index.js';

/** Everything an administration path can ask for, with the level it needs. */
export const ACTION_LEVELS = {
  whoami: 'none',
  help: 'none',
  list_portals: 'user',
  connection_states: 'user',
  list_connectors: 'user',
  account_link: 'user',
  recent_failures: 'linker',
  list_channels: 'linker',
  link: 'linker',
  unlink: 'linker',
  audit_list: 'admin',
  retire: 'admin',
  erase_user: 'admin',
} as const satisfies Record<string, PermissionLevel>;

export type AdminAction = keyof typeof ACTION_LEVELS;

const rank = (level: PermissionLevel): number => PERMISSION_LEVELS.indexOf(level);

/** Whether `level` is at least `needed`. */
export function atLeast(level: PermissionLevel, needed: PermissionLevel): boolean {
  return rank(level) >= rank(needed);
}

/** The homeserver part of a Matrix user id (`@alice:example.org` → `example.org`). */
export function serverOf(userId: string): string | undefined {
  const colon = userId.indexOf(':');
  return userId.startsWith('@') && colon > 1 ? userId.slice(colon + 1) : undefined;
}

/**
 * The one permission model of every administration path. The most specific entry wins: the
 * user id, then the user's homeserver domain, then `*`; with none of them, `none`. A scoped
 * entry gives its level only within its connectors/workspaces (see AdminOperations).
 */
export class Permissions {
  private entries = new Map<string, Grant>();

  constructor(config: PermissionsConfig = {}) {
    this.replace(config);
  }

  /** Takes a new `permissions:` block (config reload); every later check uses it. */
  replace(config: PermissionsConfig): void {
    // User ids compare exactly (`@Alice` and `@alice` are different users); domains do not.
    this.entries = new Map(
      Object.entries(config).map(([k, v]) => [k.startsWith('@') ? k : k.toLowerCase(), grant(v)]),
    );
  }

  /** The level and, for a scoped entry, where it applies. */
  grantOf(userId: string): Grant {
    const exact = this.entries.get(userId);
    if (exact) return exact;
    const server = serverOf(userId);
    const byDomain = server === undefined ? undefined : this.entries.get(server.toLowerCase());
    return byDomain ?? this.entries.get('*') ?? { level: 'none' };
  }

  levelOf(userId: string): PermissionLevel {
    return this.grantOf(userId).level;
  }

  allows(userId: string, action: AdminAction): boolean {
    return atLeast(this.levelOf(userId), ACTION_LEVELS[action]);
  }
}

function grant(entry: PermissionEntry): Grant {
  if (typeof entry === 'string') return { level: entry };
  return entry.scope
    ? { level: entry.level, scope: new PermissionScope(entry.scope) }
    : { level: entry.level };
}
