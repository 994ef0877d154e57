/**
 * The bridge's core configuration: the TypeScript shape every other module reads, and the
 * JSON schema (ajv, draft-07) that `loadConfig` validates a YAML file against.
 *
 * Every object in the schema has `additionalProperties: false`, so a misspelt key is an
 * error rather than a silently ignored setting. Defaults are filled in by ajv's
 * `useDefaults`; objects that may be left out entirely carry `default: {}` so their own
 * defaults still apply. The open maps are `connectors`, whose blocks are validated
 * separately against each connector's own `configSchema`, and `permissions`, whose keys are
 * user ids, server names or `*`. The optional blocks `admin` and `permissions` carry no
 * top-level default: when absent, `adminSettings()` (admin.ts) derives their defaults from
 * this same schema.
 *
 * The annotation keyword `x-hint` holds the human message shown when a `pattern`,
 * `format` or `propertyNames` check fails (see `describeAjvError` in load.ts). Connector
 * schemas may use it too.
 */

/** Annotation keyword read by the error formatter; registered on every ajv instance we make. */
export const HINT_KEYWORD = 'x-hint';

/** Connector ids: used in config keys, ghost user ids and storage keys. */
export const CONNECTOR_ID_PATTERN = '^[a-z][a-z0-9-]*$';
/** Workspace names: one rule for the core and every connector (workspace-name.ts). */
export { WORKSPACE_NAME_PATTERN } from './workspace-name.js';
import { WORKSPACE_NAME_HINT, WORKSPACE_NAME_PATTERN } from './workspace-name.js';
/** Characters the Matrix spec allows in a user id localpart. */
export const LOCALPART_PATTERN = '^[a-z0-9._=/-]+$';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface HomeserverConfig {
  /** Client-server API base URL, without a trailing slash. */
  url: string;
  /** The homeserver's server name (the part after `:` in user ids). */
  domain: string;
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

export interface LoggingConfig {
  level: LogLevel;
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

/** Matrix user id (`@a:b`), homeserver domain (`b`) or `*` → level. */
export type PermissionsConfig = Record<string, PermissionLevel>;

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
}

const HTTP_URL = {
  type: 'string',
  pattern: '^https?://[^\\s/?#]+[^\\s]*$',
  [HINT_KEYWORD]: 'must be an http:// or https:// URL',
} as const;

const positiveInteger = (defaultValue: number) =>
  ({ type: 'integer', minimum: 1, default: defaultValue }) as const;

const enabled = { type: 'boolean', default: true } as const;

/**
 * A display-name template: contains `{name}`, may contain `{platform}`, no other braces and
 * no control characters, at most 100 characters.
 */
const nameTemplate = (defaultValue?: string) =>
  ({
    type: 'string',
    maxLength: 100,
    pattern: '^(?=.*\\{name\\})(?:[^{}\\u0000-\\u001f\\u007f-\\u009f]|\\{name\\}|\\{platform\\})+$',
    [HINT_KEYWORD]:
      'must contain {name}, may contain {platform}, and no other braces or control characters (e.g. "{name} ({platform})")',
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  }) as const;

export const DEFAULT_GHOST_DISPLAYNAME_TEMPLATE = '{name} ({platform})';
export const DEFAULT_MATRIX_SENDER_NAME_TEMPLATE = '{name} ({platform})';

/** `permissions`: keys are user ids, server names or `*`; values a level. */
export const permissionsSchema = {
  type: 'object',
  propertyNames: {
    pattern: '^(\\*|@[^:\\s]+:[A-Za-z0-9.:\\[\\]-]+|[A-Za-z0-9.-]+(:[0-9]{1,5})?)$',
    [HINT_KEYWORD]:
      'must be a Matrix user id ("@alice:example.org"), a homeserver domain ("example.org") or "*"',
  },
  additionalProperties: { type: 'string', enum: [...PERMISSION_LEVELS] },
} as const;

/** `admin`: provisioning API, console, commands, metrics, audit, declared-link policy. */
export const adminConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    provisioning: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled,
        secret: { type: 'string', minLength: 32 },
        openid: enabled,
        openid_url: HTTP_URL,
        rate_limit_per_minute: positiveInteger(120),
        session_minutes: positiveInteger(60),
      },
    },
    console: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { enabled, homeserver_url: HTTP_URL },
    },
    commands: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { enabled },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { enabled },
    },
    audit_retention_days: positiveInteger(365),
    removed_config_links: { type: 'string', enum: ['unlink', 'keep'], default: 'unlink' },
    private_channels_allowed: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['connector', 'workspace', 'channel'],
        properties: {
          connector: { type: 'string', minLength: 1 },
          workspace: { type: 'string', minLength: 1 },
          channel: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

/** JSON schema (draft-07) of the core configuration. */
export const bridgeConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['homeserver', 'appservice'],
  properties: {
    homeserver: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'domain'],
      properties: {
        url: HTTP_URL,
        domain: {
          type: 'string',
          pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$',
          [HINT_KEYWORD]: 'must be a server name such as example.org (no scheme, no @, no path)',
        },
      },
    },
    appservice: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'url'],
      properties: {
        id: { type: 'string', minLength: 1, default: 'platform-bridge' },
        bind_address: { type: 'string', minLength: 1, default: '127.0.0.1' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        url: HTTP_URL,
        public_url: HTTP_URL,
        registration: { type: 'string', minLength: 1, default: './registration.yaml' },
        bot_localpart: {
          type: 'string',
          pattern: LOCALPART_PATTERN,
          default: 'bridge',
          [HINT_KEYWORD]: 'must contain only lowercase letters, digits and . _ = / -',
        },
        ghost_prefix: {
          type: 'string',
          pattern: LOCALPART_PATTERN,
          default: '_bridge_',
          [HINT_KEYWORD]: 'must contain only lowercase letters, digits and . _ = / -',
        },
        media_secret: { type: 'string', minLength: 16 },
        ingress: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            max_connections_per_client: positiveInteger(32),
            max_unread_bodies_per_client: positiveInteger(8),
            body_timeout_ms: positiveInteger(15_000),
            header_timeout_ms: positiveInteger(10_000),
            retry_after_s: positiveInteger(5),
            refusal_log_interval_s: positiveInteger(60),
          },
        },
      },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: {
          type: 'string',
          pattern: '^postgres(ql)?://',
          [HINT_KEYWORD]: 'must be a postgres:// or postgresql:// URL',
        },
        data_dir: { type: 'string', minLength: 1, default: './data/pglite' },
      },
    },
    bridge: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_file_size: positiveInteger(52_428_800),
        max_text_length: positiveInteger(40_000),
        retry: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            max_attempts: positiveInteger(8),
            initial_delay_ms: positiveInteger(500),
            max_delay_ms: positiveInteger(60_000),
          },
        },
        message_retention_days: positiveInteger(90),
        permanent_failure_notices: { type: 'boolean', default: true },
        ghost_displayname_template: nameTemplate(DEFAULT_GHOST_DISPLAYNAME_TEMPLATE),
        matrix_sender_name_template: nameTemplate(DEFAULT_MATRIX_SENDER_NAME_TEMPLATE),
        connector_name_templates: {
          type: 'object',
          default: {},
          propertyNames: {
            pattern: CONNECTOR_ID_PATTERN,
            [HINT_KEYWORD]: 'keys are connector ids (lowercase letters, digits and dashes)',
          },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ghost_displayname_template: nameTemplate(),
              matrix_sender_name_template: nameTemplate(),
            },
          },
        },
      },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { type: 'string', enum: [...LOG_LEVELS], default: 'info' },
      },
    },
    portals: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['room', 'links'],
        properties: {
          room: {
            type: 'string',
            pattern: '^[!#][^:\\s]+:[^\\s]+$',
            [HINT_KEYWORD]:
              'must be a room id ("!id:server") or alias ("#alias:server"), in quotes',
          },
          name: { type: 'string' },
          links: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['connector', 'workspace', 'channel'],
              properties: {
                connector: {
                  type: 'string',
                  pattern: CONNECTOR_ID_PATTERN,
                  [HINT_KEYWORD]:
                    'must be a connector id: a lowercase letter, then lowercase letters, digits or -',
                },
                workspace: {
                  type: 'string',
                  pattern: WORKSPACE_NAME_PATTERN,
                  [HINT_KEYWORD]: WORKSPACE_NAME_HINT,
                },
                channel: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
    connectors: {
      type: 'object',
      default: {},
      propertyNames: {
        pattern: CONNECTOR_ID_PATTERN,
        [HINT_KEYWORD]:
          'is not a valid connector id: use a lowercase letter, then lowercase letters, digits or -',
      },
      additionalProperties: { type: 'object' },
    },
    permissions: permissionsSchema,
    admin: adminConfigSchema,
  },
} as const;
