import type { PortalDirectory } from '../core/portal-directory.js';
import type { EncryptionStore } from '../store/encryption-store.js';

/** A portal room the bridge can no longer read, as health reports show it. */
export interface EncryptedPortalHealth {
  room_id: string;
  name: string | null;
  encrypted_at: number;
}

/**
 * Encrypted portals for `/ready`: each one is a room whose messages from Matrix stopped
 * crossing, which an operator must see next to the connection states.
 */
export async function encryptedPortalHealth(
  directory: PortalDirectory,
  encryption: Pick<EncryptionStore, 'all'>,
): Promise<EncryptedPortalHealth[]> {
  const marks = await encryption.all();
  return directory.portals().flatMap((p) => {
    const mark = marks.get(p.id);
    return mark ? [{ room_id: p.roomId, name: p.name, encrypted_at: mark.at }] : [];
  });
}
