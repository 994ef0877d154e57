import pino from 'pino';
import { BridgeMetrics } from '../../../src/admin/metrics.js';
import { ConnectionStates } from '../../../src/core/connection-states.js';
import { PortalDirectory } from '../../../src/core/portal-directory.js';
import type { AdminQueries } from '../../../src/store/admin-queries.js';

/** A bridge with two connectors and three workspaces, for the registry and alert-rule tests. */
const CONFIG = {
  connectors: {
    mattermost: { workspaces: { 'agency-a': {}, 'agency-b': {} } },
    slack: { workspaces: { team: {} } },
  },
};

/** A bridge's metrics before any event: nothing queued, no portal, no state reported. */
export function freshMetrics(
  pending: Array<{ source: string; count: number }> = [],
): BridgeMetrics {
  const queries = { pendingBySource: () => Promise.resolve(pending) } as unknown as AdminQueries;
  return new BridgeMetrics({
    queries,
    states: new ConnectionStates(),
    directory: new PortalDirectory(undefined as never),
    config: CONFIG,
    log: pino({ level: 'silent' }),
  });
}

export async function scrape(metrics: BridgeMetrics): Promise<string> {
  return (await metrics.exposition()).body;
}

/** Metric families in the exposition: name → type, from its `# TYPE` lines. */
export function families(body: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(m[1]!, m[2]!);
  return types;
}
