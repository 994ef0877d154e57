import { txnId } from '../../matrix/matrix-gateway.js';
import type { InboxPayload } from '../inbox-payload.js';
import type { TargetFailure } from './delivery.js';
import type { DeliveryDeps } from './deps.js';

function describe(payload: InboxPayload, roomId: string): string {
  if (payload.kind === 'matrix') {
    const e = payload.event;
    return `${e.type === 'm.room.message' ? 'message' : e.type} https://matrix.to/#/${encodeURIComponent(roomId)}/${encodeURIComponent(e.event_id)} from ${e.sender}`;
  }
  const e = payload.event;
  return `${e.kind} ${e.kind === 'delete' ? e.messageId : e.messageId} from ${payload.connector} (${e.workspace})`;
}

function sideName(target: string): string {
  return target === '*' ? 'the bridge' : target === 'matrix' ? 'Matrix' : target;
}

/** Tells the room that something could not be delivered, and where and why. */
export async function sendFailureNotice(
  deps: DeliveryDeps,
  inboxId: number,
  roomId: string,
  payload: InboxPayload,
  failures: TargetFailure[],
): Promise<void> {
  const reasons = failures.map((f) => `${sideName(f.target)}: ${f.message}`).join('; ');
  const body = `⚠️ Could not deliver ${describe(payload, roomId)}. ${reasons}`;
  await deps.gateway.sendEvent(
    deps.gateway.botUserId,
    roomId,
    'm.room.message',
    { msgtype: 'm.notice', body },
    txnId(deps.txnSalt, 'notice', inboxId),
  );
}
