import type { ConnectionStates } from '../../core/connection-states.js';
import type { AdminQueries } from '../../store/admin-queries.js';
import type { EncryptedPortalHealth } from '../encrypted-portals.js';
import { readiness } from '../health.js';
import type { BridgeMetrics } from '../metrics.js';
import { sendJson, sendText } from './respond.js';
import type { ExtraRoute } from './server.js';

/**
 * `GET /ready`: 200 when the database and homeserver answer, else 503; connection states and
 * encrypted portals included.
 */
export function readyRoute(
  queries: AdminQueries,
  homeserverUrl: string,
  states: ConnectionStates,
  encryptedPortals: () => Promise<EncryptedPortalHealth[]>,
): ExtraRoute {
  return {
    matches: (path) => path === '/ready',
    handle: async (_req, res) => {
      const r = await readiness(queries, homeserverUrl, states, encryptedPortals);
      sendJson(res, r.ready ? 200 : 503, r);
    },
  };
}

/** `GET /metrics`: Prometheus text exposition. */
export function metricsRoute(metrics: BridgeMetrics): ExtraRoute {
  return {
    matches: (path) => path === '/metrics',
    handle: async (_req, res) => {
      const { contentType, body } = await metrics.exposition();
      sendText(res, 200, body, contentType);
    },
  };
}
