/**
 * The bridge's core configuration: the JSON schema (ajv, draft-07) that `loadConfig`
 * validates a YAML file against. The TypeScript shape every other module reads is in
 * config-types.ts (re-exported here).
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
 * `format` or `propertyNames` check fails (see `describeAjvError` in ajv-messages.ts). Connector
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

export * from './config-types.js';
import { LOG_FORMATS, LOG_LEVELS, PERMISSION_LEVELS } from './config-types.js';
import { mediaConfigSchema } from './media-schema.js';
import { retentionConfigSchema } from './retention.js';

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
  additionalProperties: {
    // if/then/else rather than oneOf: an error inside the scoped form names its own key.
    if: { type: 'string' },
    then: {
      enum: [...PERMISSION_LEVELS],
      [HINT_KEYWORD]:
        'must be a level (none, user, linker, admin) or { level: <level>, scope: [<connector>[/<workspace>], …] }',
    },
    else: {
      type: 'object',
      additionalProperties: false,
      required: ['level', 'scope'],
      properties: {
        level: { type: 'string', enum: [...PERMISSION_LEVELS] },
        scope: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^[a-z0-9_-]+(/[a-z0-9-]+)?$',
            [HINT_KEYWORD]:
              'must be a connector id ("acme") or a connector id and a workspace name ("acme/agency-a"), lowercase',
          },
        },
      },
      [HINT_KEYWORD]:
        'must be a level (none, user, linker, admin) or { level: <level>, scope: [<connector>[/<workspace>], …] }',
    },
  },
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
    erasure: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { redact_messages: { type: 'boolean', default: false } },
    },
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
        startup_wait_s: { type: 'integer', minimum: 0, default: 120 },
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
        format: { type: 'string', enum: [...LOG_FORMATS], default: 'auto' },
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
    media: mediaConfigSchema,
    retention: retentionConfigSchema,
  },
} as const;
