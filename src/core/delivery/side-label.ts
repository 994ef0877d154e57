import type { ConnectorRegistry } from './deps.js';

/** A delivery target as members know it: where, and the platform's name alone. */
export interface SideLabel {
  /** "Chat X (agency-a)", "Matrix", or empty for the item as a whole. */
  where: string;
  /** "Chat X", "the homeserver", "the bridge". */
  platform: string;
}

/**
 * Names a target (`matrix`, `*` or `connector/workspace/channel`) without its channel id:
 * the workspace is a name from the config, the channel id is internal.
 */
export function sideLabel(target: string, connectors: ConnectorRegistry): SideLabel {
  if (target === '*') return { where: '', platform: 'the bridge' };
  if (target === 'matrix') return { where: 'Matrix', platform: 'the homeserver' };
  const [connector = target, workspace] = target.split('/');
  const platform = connectors.has(connector) ? connectors.get(connector).displayName : connector;
  return { where: workspace ? `${platform} (${workspace})` : platform, platform };
}

/** A connector id as members know the platform. */
export function platformName(connector: string, connectors: ConnectorRegistry): string {
  return connectors.has(connector) ? connectors.get(connector).displayName : connector;
}
