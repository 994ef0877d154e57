/**
 * Hooks the core calls at intake and delivery so operators get metrics, without the core
 * knowing how they are exported. The sink is process-wide; the admin module installs one
 * (Prometheus) when the bridge starts, and nothing is counted before that.
 */
export interface CoreTelemetry {
  /** Events recorded from a side (`matrix` or a connector id). */
  eventsIn(side: string, count: number): void;
  /** One delivery to a side succeeded after `seconds`. */
  delivered(side: string, seconds: number): void;
  deliveryFailed(side: string, retryable: boolean): void;
  /** An inbox item was given up (dead-lettered); `source` is `matrix` or `remote:{id}`. */
  deadLettered(source: string): void;
  /** The media policy refused a file (`reason`: too_large, type_not_allowed, infected, …). */
  mediaRefused(reason: string, direction: string): void;
  /** Whether the virus scanner answered, each time the bridge learns it. */
  scannerUp(up: boolean): void;
}

const noop: CoreTelemetry = {
  eventsIn: () => undefined,
  delivered: () => undefined,
  deliveryFailed: () => undefined,
  deadLettered: () => undefined,
  mediaRefused: () => undefined,
  scannerUp: () => undefined,
};

let sink: CoreTelemetry = noop;

export function setCoreTelemetry(next: CoreTelemetry | undefined): void {
  sink = next ?? noop;
}

export function telemetry(): CoreTelemetry {
  return sink;
}

/** `matrix`, or the connector id of a delivery target (`connector/workspace/channel`). */
export function sideOfTarget(target: string): string {
  const slash = target.indexOf('/');
  return slash === -1 ? target : target.slice(0, slash);
}
