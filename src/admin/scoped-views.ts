import type { PortalDirectory } from '../core/portal-directory.js';
import type { DeliveryFailure } from '../store/admin-queries.js';
import type { ConnectorView } from './channel-catalog.js';
import type { PermissionScope } from './permission-scope.js';

/** The connectors with a workspace in scope, each with those workspaces only. */
export function connectorsWithin(all: ConnectorView[], scope: PermissionScope): ConnectorView[] {
  return all.flatMap((c) => {
    const names = scope.workspacesOf(c.id);
    if (names === 'all') return [c];
    const workspaces = c.workspaces.filter((w) => names.includes(w.workspace));
    return workspaces.length > 0 ? [{ ...c, workspaces }] : [];
  });
}

/** Failures in rooms with a link in scope. */
export function failuresWithin(
  failures: DeliveryFailure[],
  scope: PermissionScope,
  directory: PortalDirectory,
): DeliveryFailure[] {
  const visible = (roomId: string | null): boolean => {
    const portal = roomId === null ? undefined : directory.portalByRoom(roomId);
    const links = portal ? directory.linksOf(portal.id) : [];
    return links.some((l) => scope.includes(l.connector, l.workspace));
  };
  return failures.filter((f) => visible(f.roomId));
}
