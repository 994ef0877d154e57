import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { ConnectionStates } from '../core/connection-states.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { AdminQueries } from '../store/admin-queries.js';
import { errorMessage } from '../util/errors.js';
import type { KnownSeries } from './metrics-series.js';

const STATUSES = ['connecting', 'connected', 'retrying', 'bad_credentials', 'stopped'] as const;

export interface ScrapeSources {
  queries: AdminQueries;
  states: ConnectionStates;
  directory: PortalDirectory;
  /** Label values from the configuration, exported at 0 when nothing else is known. */
  known: KnownSeries;
}

/**
 * The gauges read at scrape time (queue depth, connection states, portal links): they ask
 * the database and the core when Prometheus scrapes, so they are never stale.
 */
export function registerScrapeGauges(
  registers: Registry[],
  { queries, states, directory, known }: ScrapeSources,
  log: Logger,
): void {
  new Gauge({
    name: 'bridge_inbox_pending',
    help: 'Events recorded and waiting for delivery (queue depth), by source',
    labelNames: ['source'],
    registers,
    async collect() {
      this.reset();
      for (const source of known.sources) this.set({ source }, 0);
      try {
        for (const { source, count } of await queries.pendingBySource()) {
          this.set({ source }, count);
        }
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'metrics: cannot read the queue depth');
      }
    },
  });
  new Gauge({
    name: 'bridge_connection_state',
    help: 'Connection state per connector and workspace: 1 for the current status',
    labelNames: ['connector', 'workspace', 'status'],
    registers,
    collect() {
      this.reset();
      // A workspace that has not reported yet shows 0 for every status.
      for (const { connector, workspace } of known.workspaces) {
        for (const status of STATUSES) this.set({ connector, workspace, status }, 0);
      }
      for (const s of states.all()) {
        for (const status of STATUSES) {
          this.set(
            { connector: s.connector, workspace: s.workspace, status },
            s.status === status ? 1 : 0,
          );
        }
      }
    },
  });
  new Gauge({
    name: 'bridge_portal_links',
    help: 'Channels linked to portals, per connector',
    labelNames: ['connector'],
    registers,
    collect() {
      this.reset();
      const counts = new Map<string, number>(known.connectors.map((c) => [c, 0]));
      for (const p of directory.portals()) {
        for (const l of directory.linksOf(p.id)) {
          counts.set(l.connector, (counts.get(l.connector) ?? 0) + 1);
        }
      }
      for (const [connector, n] of counts) this.set({ connector }, n);
    },
  });
}
