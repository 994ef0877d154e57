/**
 * The OpenAPI 3.1 document of the provisioning API, served at
 * `/_bridge/admin/v1/openapi.json`. Request schemas are the ones the API validates with
 * (schemas.ts); a test checks that every route is documented, every documented route is
 * served, and every example matches its schema.
 */
import { componentSchemas } from './schemas.js';

const json = (schema: object, example?: unknown) => ({
  'application/json': example === undefined ? { schema } : { schema, example },
});
const ref = (name: keyof typeof componentSchemas) => ({ $ref: `#/components/schemas/${name}` });
const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** The errors every signed-in route can answer with. */
const authErrors = {
  '401': errorRef('Unauthenticated'),
  '403': errorRef('Forbidden'),
  '429': errorRef('RateLimited'),
};

const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', minLength: 1 },
});

const limitParam = {
  name: 'limit',
  in: 'query',
  description: 'How many entries, newest first (1–500, default 50).',
  schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
};

const userIdParam = {
  name: 'user_id',
  in: 'query',
  description:
    'With the provisioning secret only: act for this Matrix user, whose permissions and room power then apply.',
  schema: { type: 'string' },
};

const link = {
  connector: 'chat-x',
  workspace: 'agency-a',
  channel: 'hxq9tbyn3jyx8gm8qqhtwb7cwa',
};
const roomId = '!abcdefghijklmnop:example.org';

function errorExample(errcode: string, error: string, code: string, field?: string) {
  return field ? { errcode, error, code, field } : { errcode, error, code };
}

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'matrix-platform-bridge provisioning API',
      version: '1',
      description:
        'Link Matrix rooms with platform channels, see portals, connection states, delivery ' +
        'failures and the audit log. Sign in with the provisioning secret (automation), or ' +
        'with a session token exchanged for the secret (`POST /session/secret`) or for a ' +
        'Matrix OpenID token (`POST /session`). Errors are `{errcode, error}` plus a stable ' +
        '`code`. See docs/admin.md.',
    },
    servers: [{ url: '/_bridge/admin/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The provisioning secret (admin.provisioning.secret), or a session token from `POST /session` or `POST /session/secret`.',
        },
      },
      schemas: componentSchemas,
      responses: {
        BadRequest: {
          description: 'Malformed request; `field` names the field at fault.',
          content: json(
            ref('Error'),
            errorExample(
              'M_INVALID_PARAM',
              'the body is invalid: channel: must not be empty',
              'INVALID_REQUEST',
              'channel',
            ),
          ),
        },
        Unauthenticated: {
          description: 'No or an invalid token. Audited.',
          content: json(
            ref('Error'),
            errorExample(
              'M_MISSING_TOKEN',
              'sign in: send Authorization: Bearer …',
              'UNAUTHENTICATED',
            ),
          ),
        },
        Forbidden: {
          description:
            'The permission level or the power in the room is too low, or the channel is private ' +
            'and the actor may not bridge it (PRIVATE_CHANNEL_DENIED). Audited.',
          content: json(
            ref('Error'),
            errorExample(
              'M_FORBIDDEN',
              '@ulf:example.org may not link (needs the "linker" permission, has "user")',
              'PERMISSION_DENIED',
            ),
          ),
        },
        NotFound: {
          description: 'Unknown connector, workspace, channel, room or link.',
          content: json(
            ref('Error'),
            errorExample(
              'M_NOT_FOUND',
              'no connector "chat" is running (running: chat-x)',
              'CONNECTOR_UNKNOWN',
            ),
          ),
        },
        Conflict: {
          description:
            'The channel is linked elsewhere, the link is managed in the config file, or the bridge bot cannot join the room.',
          content: json(
            ref('Error'),
            errorExample(
              'M_BAD_STATE',
              `channel chat-x/agency-a/${link.channel} is already linked to room ${roomId}; unlink it there first`,
              'CHANNEL_ALREADY_LINKED',
              'channel',
            ),
          ),
        },
        RateLimited: {
          description: 'Too many requests from this client; retry after `retry_after_ms`.',
          content: json(ref('Error'), {
            errcode: 'M_LIMIT_EXCEEDED',
            error: 'too many requests; retry in 2 s',
            code: 'RATE_LIMITED',
            retry_after_ms: 1500,
          }),
        },
        Unavailable: {
          description: 'The platform or homeserver could not be asked.',
          content: json(
            ref('Error'),
            errorExample(
              'M_UNKNOWN',
              'Chat-X workspace "agency-a" could not be asked: timeout',
              'REMOTE_UNAVAILABLE',
            ),
          ),
        },
      },
    },
    paths: {
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document.',
          security: [],
          responses: { '200': { description: 'The OpenAPI document.' } },
        },
      },
      '/session': {
        post: {
          operationId: 'sign_in',
          summary: 'Exchange a Matrix OpenID token for a session token.',
          description:
            "The token is checked with the user's homeserver (`/_matrix/federation/v1/openid/userinfo`). " +
            'Sign-ins are audited.',
          security: [],
          requestBody: {
            required: true,
            content: json(ref('SessionRequest'), {
              openid_token: 'SomeOpenIdAccessToken',
              matrix_server_name: 'example.org',
            }),
          },
          responses: {
            '200': {
              description: 'Signed in.',
              content: json(ref('Session'), {
                token: 'mpbs2.q3Xv9cJ0m2H8dK4sT7wY1bN6fR5gL0pZ2aE8uI3oC4k',
                user_id: '@ada:example.org',
                level: 'admin',
                expires_at: 1767225600000,
              }),
            },
            '400': errorRef('BadRequest'),
            '401': errorRef('Unauthenticated'),
            '429': errorRef('RateLimited'),
            '501': { description: 'OpenID sign-in is turned off.', content: json(ref('Error')) },
            '502': errorRef('Unavailable'),
          },
        },
        delete: {
          operationId: 'sign_out',
          summary: 'End the session whose token is presented, at once. Audited.',
          responses: {
            '200': {
              description: 'Signed out: the token is refused from now on.',
              content: json(
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['signed_out'],
                  properties: { signed_out: { const: true } },
                },
                { signed_out: true },
              ),
            },
            '400': {
              description: 'The bearer is the provisioning secret, not a session token.',
              content: json(ref('Error')),
            },
            ...authErrors,
          },
        },
      },
      '/session/secret': {
        post: {
          operationId: 'sign_in_secret',
          summary: 'Exchange the provisioning secret for a session token.',
          description:
            'Send the secret as the bearer token, once; keep only the session token it answers ' +
            '(the web console does so, so the secret never stays in the browser). The session ' +
            "has the secret's rights, or with `user_id` that user's. No body. Audited.",
          parameters: [userIdParam],
          responses: {
            '200': {
              description: 'Signed in.',
              content: json(ref('Session'), {
                token: 'mpbs2.q3Xv9cJ0m2H8dK4sT7wY1bN6fR5gL0pZ2aE8uI3oC4k',
                user_id: null,
                level: 'admin',
                expires_at: 1767225600000,
              }),
            },
            '400': {
              description: 'The bearer is a session token: a session is not exchanged again.',
              content: json(ref('Error')),
            },
            ...authErrors,
          },
        },
      },
      '/whoami': {
        get: {
          operationId: 'whoami',
          summary: 'Who the token belongs to and their permission level.',
          parameters: [userIdParam],
          responses: {
            '200': {
              description: 'The caller.',
              content: json(ref('WhoAmI'), {
                user_id: '@ada:example.org',
                level: 'admin',
                path: 'api',
              }),
            },
            '401': errorRef('Unauthenticated'),
            '429': errorRef('RateLimited'),
          },
        },
      },
      '/portals': {
        get: {
          operationId: 'list_portals',
          summary: 'Every portal (bridged room) and its links. Needs `user`.',
          parameters: [userIdParam],
          responses: {
            '200': {
              description: 'The portals.',
              content: json(
                {
                  type: 'object',
                  required: ['portals'],
                  properties: { portals: { type: 'array', items: ref('Portal') } },
                },
                {
                  portals: [
                    {
                      room_id: roomId,
                      name: 'Agency A general',
                      links: [
                        {
                          ...link,
                          source: 'config',
                          created_by: 'config-file',
                          created_at: 1767225600000,
                        },
                      ],
                      encrypted_at: null,
                    },
                  ],
                },
              ),
            },
            ...authErrors,
          },
        },
      },
      '/links': {
        post: {
          operationId: 'link',
          summary: 'Link a Matrix room with a platform channel. Needs `linker`.',
          description:
            'Checks that the connector and workspace exist, the bot can read the channel, the room exists ' +
            'and the bridge bot can join it, and (for a Matrix user) that the user may change room state. ' +
            'On any failure nothing is left half made. Audited.',
          parameters: [userIdParam],
          requestBody: {
            required: true,
            content: json(ref('LinkRequest'), { room: '#general:example.org', ...link }),
          },
          responses: {
            '201': {
              description: 'Linked.',
              content: json(ref('LinkResult'), {
                room_id: roomId,
                ...link,
                channel_name: 'Town Square',
                existed: false,
              }),
            },
            '200': {
              description: 'Already linked to this room; nothing changed.',
              content: json(ref('LinkResult')),
            },
            '400': errorRef('BadRequest'),
            '404': errorRef('NotFound'),
            '409': errorRef('Conflict'),
            '502': errorRef('Unavailable'),
            ...authErrors,
          },
        },
      },
      '/links/{connector}/{workspace}/{channel}': {
        delete: {
          operationId: 'unlink',
          summary: 'Unlink a channel from its room. Needs `linker` and power in the room. Audited.',
          parameters: [
            pathParam('connector', 'Connector id.'),
            pathParam('workspace', 'Workspace name.'),
            pathParam('channel', 'Channel id (URL-encoded).'),
            userIdParam,
          ],
          responses: {
            '200': {
              description: 'Unlinked.',
              content: json(ref('UnlinkResult'), {
                room_id: roomId,
                ...link,
                portal_removed: true,
              }),
            },
            '404': errorRef('NotFound'),
            '409': errorRef('Conflict'),
            ...authErrors,
          },
        },
      },
      '/connectors': {
        get: {
          operationId: 'list_connectors',
          summary: 'Running connectors and the connection state of each workspace. Needs `user`.',
          parameters: [userIdParam],
          responses: {
            '200': {
              description: 'The connectors.',
              content: json(
                {
                  type: 'object',
                  required: ['connectors'],
                  properties: { connectors: { type: 'array', items: ref('Connector') } },
                },
                {
                  connectors: [
                    {
                      id: 'chat-x',
                      display_name: 'Chat-X',
                      lists_channels: true,
                      workspaces: [
                        { workspace: 'agency-a', status: 'connected', since: 1767225600000 },
                      ],
                    },
                  ],
                },
              ),
            },
            ...authErrors,
          },
        },
      },
      '/connectors/{connector}/workspaces/{workspace}/channels': {
        get: {
          operationId: 'list_channels',
          summary:
            'Channels of a workspace the bot can reach, for pickers. Needs `linker`. Private and ' +
            'direct channels are listed only to those who may link them (admins, members through ' +
            'a linked account, or channels under admin.private_channels_allowed).',
          parameters: [
            pathParam('connector', 'Connector id.'),
            pathParam('workspace', 'Workspace name.'),
            userIdParam,
          ],
          responses: {
            '200': {
              description: 'The channels, by name.',
              content: json(
                {
                  type: 'object',
                  required: ['channels'],
                  properties: { channels: { type: 'array', items: ref('Channel') } },
                },
                {
                  channels: [
                    {
                      workspace: 'agency-a',
                      channel: link.channel,
                      name: 'Agency / Town Square',
                      visibility: 'public',
                      linked_room_id: roomId,
                    },
                  ],
                },
              ),
            },
            '404': errorRef('NotFound'),
            '501': {
              description: 'The connector cannot list channels.',
              content: json(ref('Error')),
            },
            '502': errorRef('Unavailable'),
            ...authErrors,
          },
        },
      },
      '/failures': {
        get: {
          operationId: 'recent_failures',
          summary: 'Deliveries that failed for good, newest first. Needs `linker`.',
          parameters: [limitParam, userIdParam],
          responses: {
            '200': {
              description: 'The failures.',
              content: json(
                {
                  type: 'object',
                  required: ['failures'],
                  properties: { failures: { type: 'array', items: ref('Failure') } },
                },
                {
                  failures: [
                    {
                      id: 42,
                      room_id: roomId,
                      source: 'matrix',
                      event_key: '$event:example.org',
                      error: 'chat-x/agency-a/hxq9: Chat-X answered 403',
                      attempts: 1,
                      at: 1767225600000,
                    },
                  ],
                },
              ),
            },
            '400': errorRef('BadRequest'),
            ...authErrors,
          },
        },
      },
      '/audit': {
        get: {
          operationId: 'audit_list',
          summary: 'The audit log, newest first. Needs `admin`.',
          parameters: [
            limitParam,
            {
              name: 'before',
              in: 'query',
              description: 'Only entries with a smaller id (the next page).',
              schema: { type: 'integer', minimum: 1 },
            },
            {
              name: 'outcome',
              in: 'query',
              schema: {
                type: 'string',
                enum: ['ok', 'denied', 'unauthenticated', 'invalid', 'failed'],
              },
            },
            { name: 'actor', in: 'query', schema: { type: 'string' } },
            userIdParam,
          ],
          responses: {
            '200': {
              description: 'Audit entries.',
              content: json(
                {
                  type: 'object',
                  required: ['entries'],
                  properties: { entries: { type: 'array', items: ref('AuditEntry') } },
                },
                {
                  entries: [
                    {
                      id: 7,
                      at: 1767225600000,
                      actor: '@ulf:example.org',
                      path: 'command',
                      action: 'link',
                      outcome: 'denied',
                      room_id: roomId,
                      ...link,
                      detail: 'needs linker, has user',
                    },
                  ],
                },
              ),
            },
            '400': errorRef('BadRequest'),
            ...authErrors,
          },
        },
      },
    },
  };
}
