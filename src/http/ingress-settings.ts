import type { IngressConfig } from '../config/schema.js';
import { DEFAULT_INGRESS, type IngressSettings } from './ingress-guard.js';

/** How often refused requests are summarised in the log when the config does not say. */
export const DEFAULT_REFUSAL_LOG_INTERVAL_MS = 60_000;

/** `appservice.ingress` as the guard takes it; the defaults when the block is absent. */
export function ingressSettings(config: IngressConfig | undefined): IngressSettings {
  if (!config) return DEFAULT_INGRESS;
  return {
    maxConnectionsPerClient: config.max_connections_per_client,
    maxUnreadBodiesPerClient: config.max_unread_bodies_per_client,
    bodyTimeoutMs: config.body_timeout_ms,
    headerTimeoutMs: config.header_timeout_ms,
    retryAfterS: config.retry_after_s,
  };
}

export function refusalLogIntervalMs(config: IngressConfig | undefined): number {
  return config ? config.refusal_log_interval_s * 1000 : DEFAULT_REFUSAL_LOG_INTERVAL_MS;
}
