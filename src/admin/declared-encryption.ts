import type { Logger } from 'pino';
import type { PortalConfig } from '../config/index.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { AuditInput } from '../store/audit-store.js';

/** What the bridge can tell about a room's encryption before linking it. */
export type RoomEncryption = 'encrypted' | 'plain' | 'unknown';

/** What the check needs (a subset of portals-setup's deps, named here so neither file imports the other). */
export interface EncryptionCheckDeps {
  directory: PortalDirectory;
  /** Whether a room is end-to-end encrypted (encrypted rooms are refused). */
  roomEncryption(roomId: string): Promise<RoomEncryption>;
  log: Logger;
}

export const DECLARED_ENCRYPTED_DETAIL =
  'ROOM_ENCRYPTED: the room uses end-to-end encryption, which the bridge cannot read';

/**
 * A portal declared under `portals:` on an end-to-end encrypted room cannot work: nothing
 * sent there could cross. Says so at error level (the room and what to do) and audits each
 * listed link as failed; returns true when the portal was refused. Existing links are left
 * as they are, so the room's notices and status still show why it is silent. A room whose
 * encryption cannot be read yet (the bot is not in it) is linked: its first encrypted event
 * marks it encrypted and announces it, like any portal that turns encrypted.
 *
 * Only a portal with a link still to make is checked: a restart with every declared link in
 * place asks the homeserver nothing (there may be thousands), and a portal that turned
 * encrypted after it was linked is already marked and announced.
 */
export async function refuseEncryptedDeclared(
  portal: PortalConfig,
  roomId: string,
  deps: EncryptionCheckDeps,
  audit: (input: Omit<AuditInput, 'actor' | 'path'>) => Promise<unknown>,
): Promise<boolean> {
  if (allLinkedHere(portal, roomId, deps.directory)) return false;
  if ((await deps.roomEncryption(roomId)) !== 'encrypted') return false;
  deps.log.error(
    {
      room: portal.room,
      roomId,
      code: 'ROOM_ENCRYPTED',
      channels: portal.links.map((l) => `${l.connector}/${l.workspace}/${l.channel}`),
    },
    'portals: this room uses end-to-end encryption, which the bridge cannot read, so it is ' +
      'not linked; create a room without encryption and name it under portals: instead',
  );
  for (const l of portal.links) {
    await audit({
      action: 'link',
      outcome: 'failed',
      roomId,
      connector: l.connector,
      workspace: l.workspace,
      channel: l.channel,
      detail: DECLARED_ENCRYPTED_DETAIL,
    });
  }
  return true;
}

/** Every listed channel is already linked to this room: nothing would be created. */
function allLinkedHere(portal: PortalConfig, roomId: string, directory: PortalDirectory): boolean {
  return portal.links.every((l) => {
    const link = directory.linkFor(l);
    return link !== undefined && directory.portal(link.portalId)?.roomId === roomId;
  });
}
