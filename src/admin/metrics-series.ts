import type { BridgeConfig } from '../config/index.js';
import { MATRIX_SOURCE, remoteSource } from '../core/inbox-payload.js';

/**
 * The label values known from the configuration before any traffic: every side (`matrix` and
 * each connector id), every inbox source and every connector workspace. The metrics export
 * their failure, queue and state series at 0 for these from start-up, so an alert rule has a
 * series to match before the first failure happens.
 */
export interface KnownSeries {
  /** `matrix` and each configured connector id. */
  sides: string[];
  connectors: string[];
  /** `matrix` and `remote:{connector}`, as inbox items are recorded. */
  sources: string[];
  workspaces: Array<{ connector: string; workspace: string }>;
}

export function knownSeries(config: Pick<BridgeConfig, 'connectors'>): KnownSeries {
  const connectors = Object.keys(config.connectors).sort();
  return {
    sides: [MATRIX_SOURCE, ...connectors],
    connectors,
    sources: [MATRIX_SOURCE, ...connectors.map(remoteSource)],
    workspaces: connectors.flatMap((connector) =>
      workspaceNames(config.connectors[connector]).map((workspace) => ({ connector, workspace })),
    ),
  };
}

/** Every connector names its workspaces as the keys of `workspaces:` in its block. */
function workspaceNames(block: Record<string, unknown> | undefined): string[] {
  const workspaces = block?.['workspaces'];
  if (typeof workspaces !== 'object' || workspaces === null || Array.isArray(workspaces)) {
    return [];
  }
  return Object.keys(workspaces).sort();
}
