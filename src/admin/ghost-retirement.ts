/**
 * The Matrix side of erasing a platform user: their ghost's bridged messages redacted (when
 * configured), its name and avatar cleared, every room left and the account deactivated.
 * All of it as the ghost itself through the appservice token (`user_id=`): an appservice
 * has no homeserver admin rights, but may act as its own users, deactivation included.
 */
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { txnId } from '../matrix/matrix-gateway.js';
import type { ErasureCounts } from '../store/erasure-store.js';

export interface GhostEvent {
  roomId: string;
  eventId: string;
}

interface HomeserverError {
  statusCode?: number;
  body?: { errcode?: string; error?: string };
}

/** The homeserver already forgot the account (deactivated before, or never registered). */
function accountGone(err: unknown): boolean {
  const e = err as HomeserverError;
  const text = `${e.body?.errcode ?? ''} ${e.body?.error ?? ''}`.toLowerCase();
  return e.statusCode === 403 && text.includes('deactivated');
}

export async function retireGhost(
  gateway: MatrixGateway,
  ghostId: string,
  redact: GhostEvent[],
): Promise<ErasureCounts> {
  const counts: ErasureCounts = {};
  const intent = gateway.intent(ghostId);
  const client = intent.matrixClient;
  try {
    for (const e of redact) {
      await gateway.redact(ghostId, e.roomId, e.eventId, txnId('erase', e.eventId), 'erased');
    }
    if (redact.length > 0) counts['matrix: messages redacted'] = redact.length;
    // Cleared before leaving, so the membership events that stay in each room carry no name.
    await client.setDisplayName('');
    await client.setAvatarUrl('');
    counts['matrix: ghost profile cleared'] = 1;
    const rooms = await client.getJoinedRooms();
    for (const roomId of rooms) await client.leaveRoom(roomId);
    if (rooms.length > 0) counts['matrix: rooms left'] = rooms.length;
    // `erase` asks the homeserver to hide the ghost's events from people who join later.
    await client.doRequest('POST', '/_matrix/client/v3/account/deactivate', null, { erase: true });
    counts['matrix: ghost deactivated'] = 1;
  } catch (err) {
    if (!accountGone(err)) throw err;
    counts['matrix: ghost already deactivated'] = 1;
  }
  return counts;
}
