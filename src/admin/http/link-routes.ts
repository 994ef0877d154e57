/** `POST /links`, `DELETE /links/{connector}/{workspace}/{channel}` and its `/retire`. */
import type { LinkRequest } from '../operations.js';
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { DEFAULT_GRACE_DAYS } from '../retirement.js';
import { linkResultJson, retireResultJson, unlinkResultJson } from './api-views.js';
import { retireRequestSchema } from './retire-schema.js';
import { readJson, validate } from './body.js';
import {
  authErrors,
  errorRef,
  exampleLink,
  exampleRoomId,
  json,
  pathParam,
  ref,
  userIdParam,
} from './openapi-parts.js';
import { linkRequestSchema } from './schemas.js';

export function linkRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'POST',
    path: '/links',
    action: 'link',
    auth: true,
    doc: {
      summary: 'Link a Matrix room with a platform channel. Needs `linker`.',
      description:
        'Checks that the connector and workspace exist, the bot can read the channel, the room exists ' +
        'and the bridge bot can join it, and (for a Matrix user) that the user may change room state. ' +
        'On any failure nothing is left half made. Audited.',
      parameters: [userIdParam],
      requestBody: {
        required: true,
        content: json(ref('LinkRequest'), { room: '#general:example.org', ...exampleLink }),
      },
      responses: {
        '201': {
          description: 'Linked.',
          content: json(ref('LinkResult'), {
            room_id: exampleRoomId,
            ...exampleLink,
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
    handle: async ({ actor, req }) => {
      const body = validate<LinkRequest>(linkRequestSchema, await readJson(req));
      const result = await ops.link(actor, body);
      return ok(linkResultJson(result), result.existed ? 200 : 201);
    },
  };
}

export function unlinkRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'DELETE',
    path: '/links/{connector}/{workspace}/{channel}',
    action: 'unlink',
    auth: true,
    doc: {
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
            room_id: exampleRoomId,
            ...exampleLink,
            portal_removed: true,
          }),
        },
        '404': errorRef('NotFound'),
        '409': errorRef('Conflict'),
        ...authErrors,
      },
    },
    handle: async ({ actor, params }) => {
      const key = {
        connector: params.connector ?? '',
        workspace: params.workspace ?? '',
        channel: params.channel ?? '',
      };
      return ok(unlinkResultJson(await ops.unlink(actor, key)));
    },
  };
}

export function retireRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'POST',
    path: '/links/{connector}/{workspace}/{channel}/retire',
    action: 'retire',
    auth: true,
    doc: {
      summary: 'Retire a channel at the end of a migration. Needs `admin`. Audited.',
      description:
        'Posts a notice in the channel with the Matrix room’s link; from then on nothing from ' +
        'Matrix or other channels goes to the channel, while its own messages still reach the ' +
        'room for `grace_days` (default 30; send `{}` for it); then the bridge unlinks it. If the platform refuses ' +
        'the notice, nothing changes (502). Retiring a retired channel changes nothing.',
      parameters: [
        pathParam('connector', 'Connector id.'),
        pathParam('workspace', 'Workspace name.'),
        pathParam('channel', 'Channel id (URL-encoded).'),
        userIdParam,
      ],
      requestBody: { required: true, content: json(ref('RetireRequest'), { grace_days: 30 }) },
      responses: {
        '200': {
          description: 'Retired (or already retired).',
          content: json(ref('RetireResult'), {
            room_id: exampleRoomId,
            ...exampleLink,
            retire_until: 1767225600000,
            already: false,
          }),
        },
        '400': errorRef('BadRequest'),
        '404': errorRef('NotFound'),
        '409': errorRef('Conflict'),
        '502': errorRef('Unavailable'),
        ...authErrors,
      },
    },
    handle: async ({ actor, params, req }) => {
      const body = validate<{ grace_days?: number }>(retireRequestSchema, await readJson(req));
      const key = {
        connector: params.connector ?? '',
        workspace: params.workspace ?? '',
        channel: params.channel ?? '',
      };
      const result = await ops.retire(actor, key, body.grace_days ?? DEFAULT_GRACE_DAYS);
      return ok(retireResultJson(result));
    },
  };
}
