/** Checks of the configuration the schema cannot express: values that must agree. */
import type { ConfigProblem } from './errors.js';
import { checkMedia } from './media.js';
import { formatPath, isPlainObject, suggest, type PathSegment } from './paths.js';
import type { BridgeConfig, PortalConfig } from './schema.js';

export type PlacedProblem = ConfigProblem & { segments: PathSegment[] };
type Add = (segments: PathSegment[], message: string) => void;

export function unknownConnector(id: string, known: string[]): string {
  const close = suggest(id, known);
  const list = known.length > 0 ? known.join(', ') : 'none';
  return `unknown connector (known: ${list})${close ? ` — did you mean "${close}"?` : ''}`;
}

export function crossCheck(
  config: BridgeConfig,
  connectorSchemas: Record<string, object> | undefined,
): PlacedProblem[] {
  const problems: PlacedProblem[] = [];
  const add: Add = (segments, message) =>
    problems.push({ path: formatPath(segments), message, segments });
  checkSettings(config, add);
  checkMedia(config, add);
  checkPortals(config, connectorSchemas, add);
  // Only with the connectors read: the API-only CLI commands skip them.
  if (connectorSchemas) checkPermissionScopes(config, add);
  return problems;
}

/** Each scope names a configured connector, and a workspace it defines. */
function checkPermissionScopes(config: BridgeConfig, add: Add): void {
  for (const [who, entry] of Object.entries(config.permissions ?? {})) {
    if (typeof entry === 'string') continue;
    (entry.scope ?? []).forEach((item, i) => {
      const [connector = '', workspace] = item.split('/');
      const at: PathSegment[] = ['permissions', who, 'scope', i];
      const block = config.connectors[connector];
      if (!block) {
        add(at, unknownConnector(connector, Object.keys(config.connectors).sort()));
        return;
      }
      const workspaces = block['workspaces'];
      if (
        workspace !== undefined &&
        isPlainObject(workspaces) &&
        !Object.hasOwn(workspaces, workspace)
      ) {
        const names = Object.keys(workspaces);
        add(
          at,
          `no workspace "${workspace}" under connectors.${connector}.workspaces (defined: ${names.join(', ') || 'none'})`,
        );
      }
    });
  }
}

/** Settings that contradict each other. */
function checkSettings(config: BridgeConfig, add: Add): void {
  const { retry } = config.bridge;
  if (retry.max_delay_ms < retry.initial_delay_ms) {
    add(
      ['bridge', 'retry', 'max_delay_ms'],
      `must be ≥ bridge.retry.initial_delay_ms (${retry.initial_delay_ms})`,
    );
  }
  const admin = config.admin;
  if (admin && admin.console.enabled && !admin.provisioning.enabled) {
    add(
      ['admin', 'console', 'enabled'],
      'the console works through the provisioning API: set admin.provisioning.enabled to true or this to false',
    );
  }
  if (admin?.provisioning.enabled && !admin.provisioning.secret && !admin.provisioning.openid) {
    add(
      ['admin', 'provisioning', 'openid'],
      'with no admin.provisioning.secret and openid false nobody could sign in: set a secret, enable openid, or disable provisioning',
    );
  }
  const { bot_localpart, ghost_prefix } = config.appservice;
  if (bot_localpart.startsWith(ghost_prefix)) {
    add(
      ['appservice', 'bot_localpart'],
      `must not start with appservice.ghost_prefix ("${ghost_prefix}"): the bot would be taken for a ghost user`,
    );
  }
}

/** Each room listed once, each channel linked once, to connectors and workspaces that exist. */
function checkPortals(
  config: BridgeConfig,
  connectorSchemas: Record<string, object> | undefined,
  add: Add,
): void {
  const known = connectorSchemas ? Object.keys(connectorSchemas).sort() : undefined;
  const rooms = new Map<string, number>();
  const channels = new Map<string, string>();
  config.portals.forEach((portal, p) => {
    const firstUse = rooms.get(portal.room);
    if (firstUse !== undefined) {
      add(['portals', p, 'room'], `room ${portal.room} is already listed at portals[${firstUse}]`);
    } else {
      rooms.set(portal.room, p);
    }
    portal.links.forEach((link, l) => {
      const at = ['portals', p, 'links', l];
      if (!checkLinkTarget(config, known, link, at, add)) return;
      const key = JSON.stringify([link.connector, link.workspace, link.channel]);
      const previous = channels.get(key);
      if (previous !== undefined) {
        add(
          at,
          `channel ${link.connector}/${link.workspace}/${link.channel} is already linked at ${previous}`,
        );
      } else {
        channels.set(key, formatPath(at));
      }
    });
  });
}

/** The link's connector is known and configured, and its workspace defined; false: stop here. */
function checkLinkTarget(
  config: BridgeConfig,
  known: string[] | undefined,
  link: PortalConfig['links'][number],
  at: PathSegment[],
  add: Add,
): boolean {
  if (known && !known.includes(link.connector)) {
    add([...at, 'connector'], unknownConnector(link.connector, known));
    return false;
  }
  const block = config.connectors[link.connector];
  if (!block) {
    const configured = Object.keys(config.connectors).sort();
    const list = configured.length > 0 ? configured.join(', ') : 'none';
    add(
      [...at, 'connector'],
      `connector "${link.connector}" has no block under connectors (configured: ${list})`,
    );
    return false;
  }
  // Connectors that define named workspaces do so under `workspaces`.
  const workspaces = block['workspaces'];
  if (isPlainObject(workspaces) && !Object.hasOwn(workspaces, link.workspace)) {
    const names = Object.keys(workspaces);
    const close = suggest(link.workspace, names);
    add(
      [...at, 'workspace'],
      `no workspace "${link.workspace}" under connectors.${link.connector}.workspaces ` +
        `(defined: ${names.length > 0 ? names.join(', ') : 'none'})` +
        (close ? ` — did you mean "${close}"?` : ''),
    );
  }
  return true;
}
