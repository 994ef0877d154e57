/**
 * The OpenAPI 3.1 document of the provisioning API, served at
 * `/_bridge/admin/v1/openapi.json`, generated from the route table: each route declares its
 * operation (summary, parameters, body, responses) next to its handler, so a route cannot be
 * served undocumented or documented unserved. Request schemas are the ones the API validates
 * with (schemas.ts); a test checks that every example matches its schema.
 */
import { API_PREFIX, type ApiRoute } from './api-route.js';
import { sharedResponses } from './openapi-responses.js';
import { componentSchemas } from './schemas.js';
import { bridgeVersion } from '../../util/package-version.js';

const info = {
  title: 'matrix-platform-bridge provisioning API',
  // The bridge's release: the API itself is versioned in its path (`/_bridge/admin/v1`).
  version: bridgeVersion(),
  description:
    'Link Matrix rooms with platform channels, see portals, connection states, delivery ' +
    'failures and the audit log. Sign in with the provisioning secret (automation), or ' +
    'with a session token exchanged for the secret (`POST /session/secret`) or for a ' +
    'Matrix OpenID token (`POST /session`). Errors are `{errcode, error}` plus a stable ' +
    '`code`. See docs/admin.md.',
};

const securitySchemes = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The provisioning secret (admin.provisioning.secret), or a session token from `POST /session` or `POST /session/secret`.',
  },
};

/** One route as an OpenAPI operation; public routes opt out of the global bearer security. */
function operationOf(route: ApiRoute): object {
  const { summary, description, parameters, requestBody, responses } = route.doc;
  return {
    operationId: route.action,
    summary,
    ...(description === undefined ? {} : { description }),
    ...(route.auth ? {} : { security: [] }),
    ...(parameters === undefined ? {} : { parameters }),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses,
  };
}

/** Routes grouped by path, each path's operations keyed by lower-case method. */
function pathsOf(routes: readonly ApiRoute[]): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operationOf(route);
  }
  return paths;
}

export function openApiDocument(routes: readonly ApiRoute[]): object {
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: API_PREFIX }],
    security: [{ bearer: [] }],
    components: { securitySchemes, schemas: componentSchemas, responses: sharedResponses },
    paths: pathsOf(routes),
  };
}
