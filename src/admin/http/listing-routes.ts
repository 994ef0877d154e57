/** `GET /portals`, `GET /connectors` and a workspace's channels: what there is to link. */
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { channelJson, connectorJson, portalJson } from './api-views.js';
import {
  authErrors,
  errorRef,
  exampleLink,
  exampleRoomId,
  exampleTime,
  json,
  listOf,
  pathParam,
  ref,
  userIdParam,
} from './openapi-parts.js';

const examplePortal = {
  room_id: exampleRoomId,
  name: 'Agency A general',
  room_name: 'General',
  links: [
    {
      ...exampleLink,
      channel_name: 'Town Square',
      source: 'config',
      created_by: 'config-file',
      created_at: exampleTime,
      retire_until: null,
    },
  ],
  encrypted_at: null,
};

const exampleConnector = {
  id: 'chat-x',
  display_name: 'Chat-X',
  lists_channels: true,
  workspaces: [
    {
      workspace: 'agency-a',
      status: 'connected',
      since: exampleTime,
      traffic: {
        in: [...new Array<number>(58).fill(0), 3, 1],
        out: [...new Array<number>(58).fill(0), 2, 0],
        last_at: exampleTime,
      },
    },
  ],
};

const exampleChannel = {
  workspace: 'agency-a',
  channel: exampleLink.channel,
  name: 'Agency / Town Square',
  visibility: 'public',
  linked_room_id: exampleRoomId,
};

export function portalsRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/portals',
    action: 'list_portals',
    auth: true,
    doc: {
      summary: 'Every portal (bridged room) and its links. Needs `user`.',
      parameters: [userIdParam],
      responses: {
        '200': {
          description: 'The portals.',
          content: json(listOf('portals', 'Portal'), { portals: [examplePortal] }),
        },
        ...authErrors,
      },
    },
    handle: async ({ actor }) => ok({ portals: (await ops.listPortals(actor)).map(portalJson) }),
  };
}

export function connectorsRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/connectors',
    action: 'list_connectors',
    auth: true,
    doc: {
      summary: 'Running connectors and the connection state of each workspace. Needs `user`.',
      parameters: [userIdParam],
      responses: {
        '200': {
          description: 'The connectors.',
          content: json(listOf('connectors', 'Connector'), { connectors: [exampleConnector] }),
        },
        ...authErrors,
      },
    },
    handle: async ({ actor }) =>
      ok({ connectors: (await ops.listConnectors(actor)).map(connectorJson) }),
  };
}

export function channelsRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/connectors/{connector}/workspaces/{workspace}/channels',
    action: 'list_channels',
    auth: true,
    doc: {
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
          content: json(listOf('channels', 'Channel'), { channels: [exampleChannel] }),
        },
        '404': errorRef('NotFound'),
        '501': { description: 'The connector cannot list channels.', content: json(ref('Error')) },
        '502': errorRef('Unavailable'),
        ...authErrors,
      },
    },
    handle: async ({ actor, params }) => {
      const channels = await ops.listChannels(
        actor,
        params.connector ?? '',
        params.workspace ?? '',
      );
      return ok({ channels: channels.map(channelJson) });
    },
  };
}
