import type { Knex } from 'knex';
import { num } from './database.js';

/** How an administration request reached the bridge. */
export type AdminPath = 'api' | 'console' | 'command' | 'cli' | 'config';

/**
 * An audit entry's path: an administration path, `delivery` (the media policy refusing a
 * file), or `schedule` (the bridge acting on a decision made earlier, e.g. a retired channel
 * unlinked when its grace period ends).
 */
export type AuditPath = AdminPath | 'delivery' | 'schedule';

export type AuditOutcome = 'ok' | 'denied' | 'unauthenticated' | 'invalid' | 'failed';

export interface AuditInput {
  actor: string;
  path: AuditPath;
  action: string;
  outcome: AuditOutcome;
  roomId?: string;
  connector?: string;
  workspace?: string;
  channel?: string;
  detail?: string;
  client?: string;
}

export interface AuditEntry extends AuditInput {
  id: number;
  at: number;
}

/** Entries about these connectors or connector/workspace pairs only (scoped permissions). */
export interface AuditScope {
  connectors: string[];
  workspaces: Array<{ connector: string; workspace: string }>;
}

export interface AuditQuery {
  limit: number;
  within?: AuditScope;
  /** Only entries with a smaller id (paging backwards). */
  beforeId?: number;
  outcome?: AuditOutcome;
  actor?: string;
}

const MAX_TEXT = 500;

/** Bounded text: audit rows are for people, and a hostile caller must not fill the disk. */
const bound = (s: string | undefined): string | null =>
  s === undefined ? null : s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;

interface AuditRow {
  id: unknown;
  at: unknown;
  actor: string;
  path: AuditPath;
  action: string;
  outcome: AuditOutcome;
  room_id: string | null;
  connector: string | null;
  workspace: string | null;
  channel: string | null;
  detail: string | null;
  client: string | null;
}

function toEntry(r: AuditRow): AuditEntry {
  const e: AuditEntry = {
    id: num(r.id),
    at: num(r.at),
    actor: r.actor,
    path: r.path,
    action: r.action,
    outcome: r.outcome,
  };
  if (r.room_id !== null) e.roomId = r.room_id;
  if (r.connector !== null) e.connector = r.connector;
  if (r.workspace !== null) e.workspace = r.workspace;
  if (r.channel !== null) e.channel = r.channel;
  if (r.detail !== null) e.detail = r.detail;
  if (r.client !== null) e.client = r.client;
  return e;
}

/** Append-only record of administration: who did what, when, how, and how it ended. */
export class AuditStore {
  constructor(private readonly db: Knex) {}

  async record(input: AuditInput, at = Date.now()): Promise<AuditEntry> {
    const [row] = (await this.db('audit_log')
      .insert({
        at,
        actor: bound(input.actor),
        path: input.path,
        action: input.action,
        outcome: input.outcome,
        room_id: bound(input.roomId),
        connector: bound(input.connector),
        workspace: bound(input.workspace),
        channel: bound(input.channel),
        detail: bound(input.detail),
        client: bound(input.client),
      })
      .returning('*')) as AuditRow[];
    return toEntry(row as AuditRow);
  }

  /** Newest first. */
  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const query = this.db('audit_log').orderBy('id', 'desc').limit(q.limit);
    if (q.beforeId !== undefined) query.where('id', '<', q.beforeId);
    if (q.outcome !== undefined) query.where('outcome', q.outcome);
    if (q.actor !== undefined) query.where('actor', q.actor);
    const within = q.within;
    if (within) {
      query.where((inScope) => {
        inScope.whereIn('connector', within.connectors);
        for (const w of within.workspaces) {
          inScope.orWhere({ connector: w.connector, workspace: w.workspace });
        }
      });
    }
    return ((await query) as AuditRow[]).map(toEntry);
  }

  async prune(before: number): Promise<number> {
    return (await this.db('audit_log').where('at', '<', before).delete().returning('id')).length;
  }
}
