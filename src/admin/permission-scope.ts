import type { PermissionLevel } from '../config/index.js';
import type { AuditScope } from '../store/audit-store.js';

/**
 * Where a scoped permission applies: whole connectors (`acme`) or single workspaces
 * (`acme/agency-a`). Connector ids and workspace names are lowercase by the config schema,
 * so they compare exactly.
 */
export class PermissionScope {
  private readonly connectors = new Set<string>();
  private readonly workspaces = new Set<string>();

  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      if (entry.includes('/')) this.workspaces.add(entry);
      else this.connectors.add(entry);
    }
  }

  /** A channel of `connector`/`workspace` (or, without a workspace, the whole connector). */
  includes(connector: string, workspace?: string): boolean {
    if (this.connectors.has(connector)) return true;
    return workspace !== undefined && this.workspaces.has(`${connector}/${workspace}`);
  }

  /** The workspace names of `connector` in scope, or `all`. */
  workspacesOf(connector: string): 'all' | string[] {
    if (this.connectors.has(connector)) return 'all';
    const prefix = `${connector}/`;
    return [...this.workspaces]
      .filter((w) => w.startsWith(prefix))
      .map((w) => w.slice(prefix.length));
  }

  /** The scope as the audit log query takes it. */
  asQuery(): AuditScope {
    return {
      connectors: [...this.connectors],
      workspaces: [...this.workspaces].map((w) => {
        const [connector = '', workspace = ''] = w.split('/');
        return { connector, workspace };
      }),
    };
  }

  toString(): string {
    return this.entries.join(', ');
  }
}

/** What a permission entry gives: a level, everywhere or only within a scope. */
export interface Grant {
  level: PermissionLevel;
  scope?: PermissionScope;
}

export interface WhoAmI {
  userId: string | null;
  level: PermissionLevel;
  path: string;
  /** Present for a scoped permission: the connectors and workspaces it covers. */
  scope?: string[];
}
