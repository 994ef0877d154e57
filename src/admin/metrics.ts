import type { Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import type { BridgeConfig } from '../config/index.js';
import type { ConnectionStates } from '../core/connection-states.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { CoreTelemetry } from '../core/telemetry.js';
import type { AdminQueries } from '../store/admin-queries.js';
import { registerScrapeGauges } from './metrics-gauges.js';
import { MediaMetrics } from './metrics-media.js';
import { registerProcessMetrics } from './metrics-process.js';
import { knownSeries, type KnownSeries } from './metrics-series.js';

export interface MetricsSources {
  queries: AdminQueries;
  states: ConnectionStates;
  directory: PortalDirectory;
  /** Its connectors and their workspaces name the series that exist from start-up. */
  config: Pick<BridgeConfig, 'connectors'>;
  log: Logger;
}

/**
 * Prometheus metrics of one bridge: what the core reports through CoreTelemetry (events in
 * and out per side, failures, latency), and gauges read at scrape time (queue depth,
 * connection states, portals), plus Node's process metrics and the build info. Every series
 * whose labels the configuration names exists at 0 from start-up (see metrics-series.ts).
 */
export class BridgeMetrics implements CoreTelemetry {
  readonly registry = new Registry();
  private readonly events: Counter<'side' | 'direction'>;
  private readonly failures: Counter<'side' | 'retryable'>;
  private readonly deadLetters: Counter<'source'>;
  private readonly latency: Histogram<'side'>;
  private readonly media: MediaMetrics;

  constructor({ queries, states, directory, config, log }: MetricsSources) {
    const known = knownSeries(config);
    const registers = [this.registry];
    registerProcessMetrics(this.registry);
    this.events = new Counter({
      name: 'bridge_events_total',
      help: 'Events received from (direction="in") or delivered to (direction="out") a side: matrix or a connector id',
      labelNames: ['side', 'direction'],
      registers,
    });
    this.failures = new Counter({
      name: 'bridge_delivery_failures_total',
      help: 'Failed delivery attempts to a side; retryable ones are tried again',
      labelNames: ['side', 'retryable'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'bridge_dead_letters_total',
      help: 'Inbox items given up after their last attempt, by source (matrix or remote:{connector})',
      labelNames: ['source'],
      registers,
    });
    this.latency = new Histogram({
      name: 'bridge_delivery_duration_seconds',
      help: 'Time to deliver one event to one side, including the platform or homeserver call',
      labelNames: ['side'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.media = new MediaMetrics(registers);
    registerScrapeGauges(registers, { queries, states, directory, known }, log);
    this.startAtZero(known);
  }

  /** The series an alert matches on exist before the first event, failure or delivery. */
  private startAtZero(known: KnownSeries): void {
    for (const side of known.sides) {
      for (const direction of ['in', 'out']) this.events.inc({ side, direction }, 0);
      for (const retryable of ['true', 'false']) this.failures.inc({ side, retryable }, 0);
      this.latency.zero({ side });
    }
    for (const source of known.sources) this.deadLetters.inc({ source }, 0);
  }

  eventsIn(side: string, count: number): void {
    this.events.inc({ side, direction: 'in' }, count);
  }

  delivered(side: string, seconds: number): void {
    this.events.inc({ side, direction: 'out' });
    this.latency.observe({ side }, seconds);
  }

  deliveryFailed(side: string, retryable: boolean): void {
    this.failures.inc({ side, retryable: String(retryable) });
  }

  deadLettered(source: string): void {
    this.deadLetters.inc({ source });
  }

  mediaRefused(reason: string, direction: string): void {
    this.media.refused(reason, direction);
  }

  scannerUp(up: boolean): void {
    this.media.scannerUp(up);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
