/**
 * The TypeScript shape of the validated configuration that every other module reads; the
 * JSON schema that checks a file against it is in schema.ts.
 */
import type { LayeredRules, ScannerFailureMode } from '../media/media-rules.js';
import type { RetentionConfig } from './retention.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HomeserverConfig {
  /** Client-server API base URL, without a trailing slash. */
  url: string;
  /** The homeserver's server name (the part after `:` in user ids). */
  domain: string;
  /** How long start-up waits for the homeserver to answer before refusing to start (s). */
  startup_wait_s?: number;
}

export interface AppserviceConfig {
  id: string;
  bind_address: string;
  port: number;
  /** Where the homeserver reaches the bridge, without a trailing slash. */
  url: string;
  /** Base URL platform clients use to load Matrix avatars through the bridge. Defaults to `url`. */
  public_url: string;
  /** Absolute path of the registration file (resolved against the config file's folder). */
  registration: string;
  bot_localpart: string;
  ghost_prefix: string;
  /** HMAC key for signed avatar URLs; when absent, derive one from the as_token. */
  media_secret?: string;
  /** Filled in by the schema; optional only for configs built in code (tests, demo). */
  ingress?: IngressConfig;
}

/** Per-client caps on the listener before a request has authenticated (see ingress-guard.ts). */
export interface IngressConfig {
  max_connections_per_client: number;
  max_unread_bodies_per_client: number;
  body_timeout_ms: number;
  header_timeout_ms: number;
  retry_after_s: number;
  /** Refused requests are logged once per route and reason per this interval, with a count. */
  refusal_log_interval_s: number;
}

export interface DatabaseConfig {
  /** PostgreSQL connection URL; when absent the bridge uses PGlite in `data_dir`. */
  url?: string;
  /** Absolute path of the PGlite folder (resolved against the config file's folder). */
  data_dir: string;
}

export interface RetryConfig {
  max_attempts: number;
  initial_delay_ms: number;
  max_delay_ms: number;
}

export interface BridgeSettings {
  /** Largest file bridged, in bytes. */
  max_file_size: number;
  /** Longest text accepted from Matrix, in characters. */
  max_text_length: number;
  retry: RetryConfig;
  message_retention_days: number;
  permanent_failure_notices: boolean;
  /** Matrix display name of a platform user's ghost: `{name}`, `{platform}`. */
  ghost_displayname_template: string;
  /** Name a Matrix user is shown with on the platforms: `{name}`, `{platform}` (= Matrix). */
  matrix_sender_name_template: string;
  /** Per-connector overrides of the two templates above, by connector id. */
  connector_name_templates: Record<string, ConnectorNameTemplates>;
}

export interface ConnectorNameTemplates {
  ghost_displayname_template?: string;
  matrix_sender_name_template?: string;
}

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggingConfig {
  level: LogLevel;
  /** `auto`: readable lines on a terminal, JSON otherwise. */
  format: LogFormat;
}

export interface PortalLinkConfig {
  connector: string;
  workspace: string;
  channel: string;
}

export interface PortalConfig {
  /** Room id (`!id:server`) or alias (`#alias:server`). */
  room: string;
  name?: string;
  links: PortalLinkConfig[];
}

/** Who may do what through the administration paths, weakest first (see docs/admin.md). */
export const PERMISSION_LEVELS = ['none', 'user', 'linker', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/**
 * A level everywhere, or only within a scope: connector ids (`teams`) or connector/workspace
 * pairs (`acme/agency-a`).
 */
export type PermissionEntry = PermissionLevel | { level: PermissionLevel; scope?: string[] };

/** Matrix user id (`@a:b`), homeserver domain (`b`) or `*` → its permission. */
export type PermissionsConfig = Record<string, PermissionEntry>;

export interface ProvisioningConfig {
  /** Serve the provisioning API (and the console, which uses it). */
  enabled: boolean;
  /** Bearer secret for automation; absent = only Matrix OpenID sign-in. */
  secret?: string;
  /** Accept Matrix OpenID tokens (checked with the homeserver) to sign in. */
  openid: boolean;
  /** Where the homeserver serves `/_matrix/federation/v1/openid/userinfo`; default homeserver.url. */
  openid_url?: string;
  rate_limit_per_minute: number;
  /** Lifetime of a signed-in session. */
  session_minutes: number;
}

export interface AdminConfig {
  provisioning: ProvisioningConfig;
  console: {
    enabled: boolean;
    /** The homeserver's client URL as the operator's browser reaches it (Matrix sign-in). */
    homeserver_url?: string;
  };
  commands: { enabled: boolean };
  metrics: { enabled: boolean };
  audit_retention_days: number;
  /** erase-user: also redact a platform user's bridged messages in Matrix rooms. */
  erasure?: { redact_messages: boolean };
  /** What happens at start to links the config file made and no longer lists. */
  removed_config_links: 'unlink' | 'keep';
  /** Private or direct channels any linker may link (default none; see docs/admin.md). */
  private_channels_allowed?: Array<{ connector: string; workspace: string; channel: string }>;
}

/** The validated configuration, defaults filled in and relative paths made absolute. */
export interface BridgeConfig {
  homeserver: HomeserverConfig;
  appservice: AppserviceConfig;
  database: DatabaseConfig;
  bridge: BridgeSettings;
  logging: LoggingConfig;
  portals: PortalConfig[];
  /** Connector id → that connector's block, validated (and defaulted) by its configSchema. */
  connectors: Record<string, Record<string, unknown>>;
  /** Absent means nobody has a permission (the provisioning secret still works). */
  permissions?: PermissionsConfig;
  /** Absent means every admin default; read it through `adminSettings()`. */
  admin?: AdminConfig;
  /** The media policy as written; read it through `mediaSettings()` (defaults filled in). */
  media?: MediaConfig;
  /** How long stored data is kept; read it through `retentionSettings()` (defaults filled in). */
  retention?: RetentionConfig;
}

/** The `media:` block as written (see src/config/media-schema.ts and docs/configuration.md). */
export interface MediaConfig extends LayeredRules {
  connectors?: Record<string, LayeredRules>;
  scanner?: {
    clamd: { socket?: string; host?: string; port?: number };
    timeout_s?: number;
    on_failure?: ScannerFailureMode;
  };
}
