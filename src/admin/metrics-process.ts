import { Gauge, type Registry, collectDefaultMetrics } from 'prom-client';
import { bridgeVersion } from '../util/package-version.js';

/**
 * Process-level series: Node's default metrics under their standard names (`process_*`,
 * `nodejs_*`), the bridge's build info and the time its counters started.
 */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  dropTotalGauges(registry);
  new Gauge({
    name: 'bridge_build_info',
    help: 'Always 1; the labels name the bridge version and the Node.js version running it',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: bridgeVersion(), node: process.versions.node }, 1);
  new Gauge({
    name: 'bridge_start_time_seconds',
    help: "Unix time at which this bridge's metrics started counting",
    registers: [registry],
  }).set(Date.now() / 1000);
}

/**
 * prom-client exports `nodejs_active_handles_total` and its like as gauges, but `_total` is
 * the counters' suffix (PromQL's `rate` on them is a mistake waiting to happen). Each has a
 * per-type gauge without the suffix (`nodejs_active_handles`), whose `sum` is the same value.
 */
function dropTotalGauges(registry: Registry): void {
  for (const { name, type } of registry.getMetricsAsArray()) {
    if (String(type) === 'gauge' && name.endsWith('_total')) registry.removeSingleMetric(name);
  }
}
