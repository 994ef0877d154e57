/**
 * JSON schemas of the provisioning API's bodies. The same objects validate requests at run
 * time and appear in the OpenAPI document, so the two cannot drift apart. Only keywords
 * shared by JSON Schema draft-07 (ajv) and 2020-12 (OpenAPI 3.1) are used.
 */
import { CONNECTOR_ID_PATTERN, HINT_KEYWORD, WORKSPACE_NAME_PATTERN } from '../../config/index.js';
import { retireRequestSchema } from './retire-schema.js';

const connector = {
  type: 'string',
  pattern: CONNECTOR_ID_PATTERN,
  maxLength: 64,
  description: 'Connector id, as under `connectors:` in the config (e.g. `chat-x`).',
  [HINT_KEYWORD]: 'must be a connector id: a lowercase letter, then lowercase letters, digits or -',
} as const;

const workspace = {
  type: 'string',
  pattern: WORKSPACE_NAME_PATTERN,
  maxLength: 64,
  description: "Workspace name, as in the connector's config block.",
  [HINT_KEYWORD]: 'must be a workspace name: lowercase letters, digits or - (not starting with -)',
} as const;

const channel = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  description: "The platform's channel id.",
} as const;

const roomId = { type: 'string', description: 'Matrix room id.' } as const;
const time = { type: 'integer', description: 'Milliseconds since the epoch.' } as const;

export const linkRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['room', 'connector', 'workspace', 'channel'],
  properties: {
    room: {
      type: 'string',
      pattern: '^[!#][^:\\s]+:[^\\s]+$',
      maxLength: 255,
      description: 'Matrix room id (`!id:server`) or alias (`#alias:server`).',
      [HINT_KEYWORD]: 'must be a room id ("!id:server") or alias ("#alias:server")',
    },
    connector,
    workspace,
    channel,
  },
} as const;

export const sessionRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['openid_token'],
  properties: {
    openid_token: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description:
        'The `access_token` from `POST /_matrix/client/v3/user/{userId}/openid/request_token`.',
    },
    matrix_server_name: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description:
        "The `matrix_server_name` from the same answer; default: the bridge's homeserver.",
    },
  },
} as const;

/**
 * Who to erase: a Matrix user (`matrix_user_id`), or a platform user (`connector`,
 * `workspace`, `platform_user_id`); the route refuses a mix of the two.
 */
export const erasureRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matrix_user_id: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'A Matrix user id (`@user:server`), exactly as written.',
    },
    connector,
    workspace,
    platform_user_id: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: "The platform's user id (not the display name or handle).",
    },
  },
} as const;

/** Response and shared schemas, by name (OpenAPI `components.schemas`). */
export const componentSchemas = {
  Error: {
    type: 'object',
    required: ['errcode', 'error'],
    properties: {
      errcode: { type: 'string', description: 'Matrix error code, e.g. `M_FORBIDDEN`.' },
      error: { type: 'string', description: 'What went wrong, for people.' },
      code: { type: 'string', description: 'Stable bridge error code (docs/admin.md).' },
      field: { type: 'string', description: 'The request field at fault (400).' },
      retry_after_ms: { type: 'integer' },
    },
  },
  LinkRequest: linkRequestSchema,
  SessionRequest: sessionRequestSchema,
  Session: {
    type: 'object',
    additionalProperties: false,
    required: ['token', 'user_id', 'level', 'expires_at'],
    properties: {
      token: {
        type: 'string',
        description:
          'Send as `Authorization: Bearer <token>` until `expires_at`, or until `DELETE /session`.',
      },
      user_id: {
        type: ['string', 'null'],
        description: 'null for a session exchanged for the provisioning secret alone.',
      },
      level: { $ref: '#/components/schemas/Level' },
      expires_at: time,
    },
  },
  Level: { type: 'string', enum: ['none', 'user', 'linker', 'admin'] },
  WhoAmI: {
    type: 'object',
    additionalProperties: false,
    required: ['user_id', 'level', 'path'],
    properties: {
      user_id: { type: ['string', 'null'], description: 'null for the provisioning secret.' },
      level: { $ref: '#/components/schemas/Level' },
      path: { type: 'string', enum: ['api', 'console', 'cli'] },
      scope: {
        type: 'array',
        items: { type: 'string' },
        description:
          'Only for a scoped permission: the connectors (`teams`) and workspaces (`teams/agency-a`) it covers; everything the caller sees and does is limited to them.',
      },
    },
  },
  Link: {
    type: 'object',
    additionalProperties: false,
    required: [
      'connector',
      'workspace',
      'channel',
      'channel_name',
      'source',
      'created_by',
      'created_at',
      'retire_until',
    ],
    properties: {
      connector,
      workspace,
      channel,
      source: {
        type: 'string',
        enum: ['config', 'api', 'command', 'cli'],
        description: 'Where the link was made; `config` links are managed in the config file.',
      },
      created_by: { type: ['string', 'null'] },
      created_at: time,
      retire_until: {
        type: ['integer', 'null'],
        description:
          'Retired (POST /links/{connector}/{workspace}/{channel}/retire): nothing crosses to the ' +
          'channel any more, its own messages still reach the room until this time (ms since ' +
          'the epoch), then it is unlinked. Null for a link in normal service.',
      },
      channel_name: {
        type: ['string', 'null'],
        description: "The channel's name on its platform (looked up, cached); null when unknown.",
      },
    },
  },
  Portal: {
    type: 'object',
    additionalProperties: false,
    required: ['room_id', 'name', 'room_name', 'links', 'encrypted_at'],
    properties: {
      room_id: roomId,
      name: { type: ['string', 'null'] },
      room_name: {
        type: ['string', 'null'],
        description:
          "The Matrix room's name as the bridge bot reads it (cached); null when it has none.",
      },
      links: { type: 'array', items: { $ref: '#/components/schemas/Link' } },
      encrypted_at: {
        type: ['integer', 'null'],
        description:
          'When the room turned end-to-end encrypted (ms since the epoch): the bridge cannot ' +
          'read it, so messages from Matrix no longer cross. Null while it is not encrypted.',
      },
    },
  },
  ErasureRequest: erasureRequestSchema,
  ErasureReport: {
    type: 'object',
    additionalProperties: false,
    required: ['pseudonym', 'counts'],
    properties: {
      pseudonym: {
        type: 'string',
        description:
          'How the audit log now names the person (a keyed hash): the same person, the same pseudonym.',
      },
      counts: {
        type: 'object',
        description: 'What was erased: rows per table (and what was done), and steps on Matrix.',
        additionalProperties: { type: 'integer', minimum: 1 },
      },
    },
  },
  LinkResult: {
    type: 'object',
    additionalProperties: false,
    required: ['room_id', 'connector', 'workspace', 'channel', 'channel_name', 'existed'],
    properties: {
      room_id: roomId,
      connector,
      workspace,
      channel,
      channel_name: { type: 'string' },
      existed: { type: 'boolean', description: 'The link was already there; nothing changed.' },
    },
  },
  RetireRequest: retireRequestSchema,
  RetireResult: {
    type: 'object',
    additionalProperties: false,
    required: ['room_id', 'connector', 'workspace', 'channel', 'retire_until', 'already'],
    properties: {
      room_id: roomId,
      connector,
      workspace,
      channel,
      retire_until: { type: 'integer', description: 'When it is unlinked (ms since the epoch).' },
      already: {
        type: 'boolean',
        description: 'It was already retired; nothing changed and nothing was posted again.',
      },
    },
  },
  UnlinkResult: {
    type: 'object',
    additionalProperties: false,
    required: ['room_id', 'connector', 'workspace', 'channel', 'portal_removed'],
    properties: {
      room_id: roomId,
      connector,
      workspace,
      channel,
      portal_removed: {
        type: 'boolean',
        description: "It was the room's last link; the room is no longer bridged.",
      },
    },
  },
  Connector: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'display_name', 'lists_channels', 'workspaces'],
    properties: {
      id: connector,
      display_name: { type: 'string' },
      lists_channels: { type: 'boolean' },
      workspaces: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['workspace', 'status', 'traffic'],
          properties: {
            workspace,
            status: {
              type: 'string',
              enum: [
                'unknown',
                'connecting',
                'connected',
                'retrying',
                'bad_credentials',
                'stopped',
              ],
            },
            error: { type: 'string' },
            since: time,
            traffic: { $ref: '#/components/schemas/Traffic' },
          },
        },
      },
    },
  },
  Traffic: {
    type: 'object',
    additionalProperties: false,
    description:
      'What crossed this connection since the bridge started (kept in memory): events per ' +
      'minute over the last hour, oldest first, the last entry being the current minute.',
    required: ['in', 'out', 'last_at'],
    properties: {
      in: {
        type: 'array',
        items: { type: 'integer', minimum: 0 },
        minItems: 60,
        maxItems: 60,
        description: 'Received from the platform, towards Matrix.',
      },
      out: {
        type: 'array',
        items: { type: 'integer', minimum: 0 },
        minItems: 60,
        maxItems: 60,
        description: 'Delivered to the platform.',
      },
      last_at: {
        type: ['integer', 'null'],
        description:
          'When an event last crossed, either way (ms since the epoch); null: none since start.',
      },
    },
  },
  Channel: {
    type: 'object',
    additionalProperties: false,
    required: ['workspace', 'channel', 'name'],
    properties: {
      workspace,
      channel,
      name: { type: 'string' },
      visibility: {
        type: 'string',
        enum: ['public', 'private', 'direct'],
        description:
          'Who can read it on the platform; absent when the connector does not say (counted as private).',
      },
      linked_room_id: roomId,
    },
  },
  Failure: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'room_id', 'source', 'event_key', 'error', 'attempts', 'at'],
    properties: {
      id: { type: 'integer' },
      room_id: { type: ['string', 'null'] },
      source: { type: 'string', description: '`matrix` or `remote:{connector}`.' },
      event_key: { type: 'string' },
      error: { type: ['string', 'null'] },
      attempts: { type: 'integer' },
      at: time,
    },
  },
  AuditEntry: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'at', 'actor', 'path', 'action', 'outcome'],
    properties: {
      id: { type: 'integer' },
      at: time,
      actor: { type: 'string' },
      path: {
        type: 'string',
        enum: ['api', 'console', 'command', 'cli', 'config', 'delivery', 'schedule'],
      },
      action: { type: 'string' },
      outcome: { type: 'string', enum: ['ok', 'denied', 'unauthenticated', 'invalid', 'failed'] },
      room_id: { type: 'string' },
      connector: { type: 'string' },
      workspace: { type: 'string' },
      channel: { type: 'string' },
      detail: { type: 'string' },
      client: { type: 'string' },
    },
  },
} as const;
