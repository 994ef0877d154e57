/** `POST /links` and `DELETE /links/{connector}/{workspace}/{channel}`. */
import type { LinkRequest } from '../operations.js';
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { linkResultJson, unlinkResultJson } from './api-views.js';
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
