/**
 * How long the bridge keeps each kind of stored data: the `retention:` block with its
 * defaults, each falling back to the key from before the block (`bridge.message_retention_days`,
 * `admin.audit_retention_days`), which keep working. 0 means "never pruned" where allowed.
 */
import type { BridgeConfig } from './schema.js';

const days = (minimum: number) => ({ type: 'integer', minimum }) as const;

/** The `retention:` block's schema; no defaults here so the older keys can stand in. */
export const retentionConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    messages_days: days(1),
    inbox_days: days(1),
    failed_days: days(1),
    audit_days: days(1),
    connector_storage_days: days(0),
    ghost_profiles_days: days(0),
    account_links_days: days(0),
  },
} as const;

export interface RetentionSettings {
  /** Message map and reaction records (`messages`, `message_parts`, `reactions`, `reaction_snapshots`). */
  messages_days: number;
  /** Delivered inbox entries (ids and event keys; their payload is gone at delivery). */
  inbox_days: number;
  /** Inbox entries that failed for good (ids, reason, time), shown in the failure listings. */
  failed_days: number;
  /** Audit log entries. */
  audit_days: number;
  /** Connector storage entries without an expiry, neither written nor read for this long (0: never). */
  connector_storage_days: number;
  /** Ghosts' names and avatars, for ghosts not seen for this long (0: never). */
  ghost_profiles_days: number;
  /** Linked platform accounts (and their tokens) not used for this long (0: never). */
  account_links_days: number;
}

export type RetentionConfig = Partial<RetentionSettings>;

export const DEFAULT_CONNECTOR_STORAGE_DAYS = 180;
export const DEFAULT_GHOST_PROFILES_DAYS = 180;
const DEFAULT_AUDIT_DAYS = 365;

/** Every retention, defaults and older keys filled in. */
export function retentionSettings(
  config: Pick<BridgeConfig, 'bridge' | 'admin' | 'retention'>,
): RetentionSettings {
  const r: RetentionConfig = config.retention ?? {};
  const messages = r.messages_days ?? config.bridge.message_retention_days;
  const inbox = r.inbox_days ?? messages;
  return {
    messages_days: messages,
    inbox_days: inbox,
    failed_days: r.failed_days ?? inbox,
    audit_days: r.audit_days ?? config.admin?.audit_retention_days ?? DEFAULT_AUDIT_DAYS,
    connector_storage_days: r.connector_storage_days ?? DEFAULT_CONNECTOR_STORAGE_DAYS,
    ghost_profiles_days: r.ghost_profiles_days ?? DEFAULT_GHOST_PROFILES_DAYS,
    account_links_days: r.account_links_days ?? 0,
  };
}
