import type { ChannelRef } from '../../connector/contract.js';
import type { PortalLink } from '../../store/index.js';
import { sideKey } from '../ids.js';
import type { DeliveryDeps, RunningConnector } from './deps.js';

export interface RemoteSide {
  side: string;
  link: PortalLink;
  ref: ChannelRef;
  conn: RunningConnector;
}

/**
 * The remote sides of a portal that take deliveries, optionally without the one an event came
 * from. A retired channel takes none: it only still sends, until it is unlinked.
 */
export function remoteSides(deps: DeliveryDeps, portalId: number, except?: string): RemoteSide[] {
  return deps.directory
    .linksOf(portalId)
    .filter((link) => link.retireUntil === null)
    .map((link) => ({ side: sideKey(link), link }))
    .filter(({ side }) => side !== except)
    .filter(({ link }) => {
      if (deps.connectors.has(link.connector)) return true;
      deps.log.warn(
        { connector: link.connector },
        'portal links a connector that is not configured; skipping that side',
      );
      return false;
    })
    .map(({ side, link }) => ({
      side,
      link,
      ref: { workspace: link.workspace, channel: link.channel },
      conn: deps.connectors.get(link.connector),
    }));
}

/** The native id on `side` of a mapped message (its first part), if any. */
export async function firstIdOn(
  deps: DeliveryDeps,
  messageId: number | undefined,
  side: string,
): Promise<string | undefined> {
  if (messageId === undefined) return undefined;
  return (await deps.stores.messages.idsOn(messageId, side))[0];
}
