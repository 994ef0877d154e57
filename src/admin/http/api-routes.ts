/**
 * The provisioning API's route table: each route calls one of the shared operations and
 * declares its OpenAPI operation, from which the document at `/openapi.json` is generated.
 */
import { ok, type ApiRoute, type ApiServices } from './api-route.js';
import { erasureRoute } from './erasure-routes.js';
import { linkRoute, retireRoute, unlinkRoute } from './link-routes.js';
import { channelsRoute, connectorsRoute, portalsRoute } from './listing-routes.js';
import { auditRoute, failuresRoute } from './log-routes.js';
import { errorRef, json, ref, userIdParam } from './openapi-parts.js';
import { openApiDocument } from './openapi.js';
import { sessionRoutes } from './session-routes.js';

export {
  API_PREFIX,
  type ApiContext,
  type ApiReply,
  type ApiRoute,
  type ApiServices,
} from './api-route.js';

/** The document itself; it describes the table it is part of. */
function openApiRoute(routes: readonly ApiRoute[]): ApiRoute {
  let document: object | undefined;
  return {
    method: 'GET',
    path: '/openapi.json',
    action: 'openapi',
    auth: false,
    doc: {
      summary: 'This document.',
      responses: { '200': { description: 'The OpenAPI document.' } },
    },
    handle: async () => ok((document ??= openApiDocument(routes))),
  };
}

function whoamiRoute({ ops }: ApiServices): ApiRoute {
  return {
    method: 'GET',
    path: '/whoami',
    action: 'whoami',
    auth: true,
    doc: {
      summary: 'Who the token belongs to, their permission level and, if scoped, its scope.',
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
    handle: async ({ actor }) => {
      const me = ops.whoami(actor);
      const body = { user_id: me.userId, level: me.level, path: me.path };
      return ok(me.scope ? { ...body, scope: me.scope } : body);
    },
  };
}

export function apiRoutes(s: ApiServices): ApiRoute[] {
  const routes: ApiRoute[] = [
    ...sessionRoutes(s),
    whoamiRoute(s),
    portalsRoute(s),
    linkRoute(s),
    unlinkRoute(s),
    retireRoute(s),
    connectorsRoute(s),
    channelsRoute(s),
    failuresRoute(s),
    auditRoute(s),
    erasureRoute(s),
  ];
  routes.unshift(openApiRoute(routes));
  return routes;
}
