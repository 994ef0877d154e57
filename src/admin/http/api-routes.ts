import { AdminError } from '../errors.js';
import type { LinkRequest } from '../operations.js';
import type { AuditOutcome } from '../../store/audit-store.js';
import {
  auditJson,
  channelJson,
  connectorJson,
  failureJson,
  linkResultJson,
  portalJson,
  unlinkResultJson,
} from './api-views.js';
import { readJson, validate } from './body.js';
import { linkRequestSchema } from './schemas.js';
import { sessionRoutes } from './session-routes.js';
import type { ApiReply, ApiRoute, ApiServices } from './api-types.js';

export type { ApiContext, ApiReply, ApiRoute, ApiServices } from './api-types.js';

export const API_PREFIX = '/_bridge/admin/v1';

const ok = (body: unknown, status = 200): ApiReply => ({ status, body });

/** An integer query parameter within bounds, or AdminError naming it. */
function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new AdminError('INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}`, {
      field: name,
    });
  }
  return value;
}

const OUTCOMES: ReadonlySet<string> = new Set([
  'ok',
  'denied',
  'unauthenticated',
  'invalid',
  'failed',
]);

/** The provisioning API: each route calls one of the shared operations. */
export function apiRoutes(s: ApiServices): ApiRoute[] {
  const { ops } = s;
  return [
    {
      method: 'GET',
      path: '/openapi.json',
      action: 'openapi',
      auth: false,
      handle: async () => ok(s.openApi()),
    },
    ...sessionRoutes(s),
    {
      method: 'GET',
      path: '/whoami',
      action: 'whoami',
      auth: true,
      handle: async ({ actor }) => {
        const me = ops.whoami(actor);
        return ok({ user_id: me.userId, level: me.level, path: me.path });
      },
    },
    {
      method: 'GET',
      path: '/portals',
      action: 'list_portals',
      auth: true,
      handle: async ({ actor }) => ok({ portals: (await ops.listPortals(actor)).map(portalJson) }),
    },
    {
      method: 'POST',
      path: '/links',
      action: 'link',
      auth: true,
      handle: async ({ actor, req }) => {
        const body = validate<LinkRequest>(linkRequestSchema, await readJson(req));
        const result = await ops.link(actor, body);
        return ok(linkResultJson(result), result.existed ? 200 : 201);
      },
    },
    {
      method: 'DELETE',
      path: '/links/{connector}/{workspace}/{channel}',
      action: 'unlink',
      auth: true,
      handle: async ({ actor, params }) => {
        const key = {
          connector: params.connector ?? '',
          workspace: params.workspace ?? '',
          channel: params.channel ?? '',
        };
        return ok(unlinkResultJson(await ops.unlink(actor, key)));
      },
    },
    {
      method: 'GET',
      path: '/connectors',
      action: 'list_connectors',
      auth: true,
      handle: async ({ actor }) =>
        ok({ connectors: (await ops.listConnectors(actor)).map(connectorJson) }),
    },
    {
      method: 'GET',
      path: '/connectors/{connector}/workspaces/{workspace}/channels',
      action: 'list_channels',
      auth: true,
      handle: async ({ actor, params }) => {
        const channels = await ops.listChannels(
          actor,
          params.connector ?? '',
          params.workspace ?? '',
        );
        return ok({ channels: channels.map(channelJson) });
      },
    },
    {
      method: 'GET',
      path: '/failures',
      action: 'recent_failures',
      auth: true,
      handle: async ({ actor, query }) => {
        const limit = intParam(query, 'limit', 50, 1, 500) as number;
        return ok({ failures: (await ops.recentFailures(actor, limit)).map(failureJson) });
      },
    },
    {
      method: 'GET',
      path: '/audit',
      action: 'audit_list',
      auth: true,
      handle: async ({ actor, query }) => {
        const limit = intParam(query, 'limit', 50, 1, 500) as number;
        const beforeId = intParam(query, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
        const outcome = query.get('outcome') ?? undefined;
        if (outcome !== undefined && !OUTCOMES.has(outcome)) {
          throw new AdminError(
            'INVALID_REQUEST',
            `outcome must be one of: ${[...OUTCOMES].join(', ')}`,
            {
              field: 'outcome',
            },
          );
        }
        const actorFilter = query.get('actor') ?? undefined;
        const entries = await ops.auditList(actor, {
          limit,
          beforeId,
          outcome: outcome as AuditOutcome | undefined,
          actor: actorFilter,
        });
        return ok({ entries: entries.map(auditJson) });
      },
    },
  ];
}
