import type { Logger } from 'pino';
import type { PortalConfig } from '../config/index.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { errorMessage } from '../util/errors.js';

/** Creates the portals listed in the config file; running it again changes nothing. */
export async function applyDeclaredPortals(
  portals: PortalConfig[],
  directory: PortalDirectory,
  gateway: MatrixGateway,
  log: Logger,
): Promise<void> {
  for (const p of portals) {
    let roomId = p.room;
    if (roomId.startsWith('#')) {
      try {
        roomId = await gateway.intent().resolveRoom(p.room);
      } catch (err) {
        log.error(
          { room: p.room, err: errorMessage(err) },
          'portals: cannot resolve room alias; skipping this portal',
        );
        continue;
      }
    }
    for (const link of p.links) {
      try {
        await directory.link(roomId, link, 'config');
      } catch (err) {
        log.error({ roomId, ...link, err: errorMessage(err) }, 'portals: cannot create link');
      }
    }
  }
}

/** The bot must be in every portal room to bring ghosts in and read membership. */
export async function joinPortalRooms(
  directory: PortalDirectory,
  gateway: MatrixGateway,
  log: Logger,
): Promise<void> {
  for (const portal of directory.portals()) {
    try {
      await gateway.intent().join(portal.roomId);
    } catch (err) {
      log.warn(
        { roomId: portal.roomId, err: errorMessage(err) },
        `bot cannot join the portal room; invite ${gateway.botUserId} to it`,
      );
    }
  }
}
