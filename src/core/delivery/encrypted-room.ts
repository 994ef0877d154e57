import type { MatrixEvent } from '../../matrix/durable-appservice.js';
import { txnId } from '../../matrix/matrix-gateway.js';
import { plainText } from '../../model/message.js';
import { MATRIX_SIDE, type EncryptionMark, type Portal } from '../../store/index.js';
import {
  channelTurnedEncryptedNotice,
  encryptedMessageReminder,
  encryptionSignal,
  ENCRYPTION_STATE_TYPE,
  REMINDER_PERIOD_MS,
  roomTurnedEncryptedNotice,
} from '../encryption.js';
import type { Delivery } from './delivery.js';
import type { DeliveryDeps } from './deps.js';
import { remoteSides, type RemoteSide } from './sides.js';
import { BRIDGE_SENDER_NAME } from './notices.js';

/**
 * An m.room.encryption or m.room.encrypted event in a portal room. The first one (an
 * encrypted message only when the room's state confirms it) marks the portal encrypted
 * (persisted) and is announced: a notice in the room and one message in every linked
 * channel, each a delivery target of this inbox item, so a retry or restart never repeats
 * one. Other encrypted messages earn their sender a reminder, at most once per
 * REMINDER_PERIOD_MS.
 */
export async function deliverEncryptionEvent(
  inboxId: number,
  event: MatrixEvent,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const signal = encryptionSignal(event);
  if (!signal) {
    deps.log.debug({ eventId: event.event_id, type: event.type }, 'not an encryption event');
    return;
  }
  const known = await deps.stores.encryption.forPortal(portal.id);
  const message = signal.kind === 'encrypted_message';
  // Any member may send an m.room.encrypted event; only the room's state says it is encrypted.
  const stray = !known && message && !(await hasEncryptionState(deps, portal.roomId));
  if (stray || (known && known.eventId !== event.event_id)) {
    return message ? remind(inboxId, event, portal, d, deps) : undefined;
  }
  const mark = await deps.stores.encryption.mark({
    portalId: portal.id,
    eventId: event.event_id,
    sender: event.sender,
    algorithm: signal.algorithm,
    at: Date.now(),
  });
  if (mark.eventId === event.event_id) return announce(inboxId, mark, portal, d, deps);
  if (message) return remind(inboxId, event, portal, d, deps);
}

/** The room's current state has m.room.encryption (any content: clients encrypt on it). */
async function hasEncryptionState(deps: DeliveryDeps, roomId: string): Promise<boolean> {
  const content: unknown = await deps.gateway
    .intent()
    .getStateEvent(roomId, ENCRYPTION_STATE_TYPE, '', true);
  return content !== null && content !== undefined;
}

async function announce(
  inboxId: number,
  mark: EncryptionMark,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const sides = remoteSides(deps, portal.id);
  deps.log.warn(
    {
      roomId: portal.roomId,
      eventId: mark.eventId,
      sender: mark.sender,
      algorithm: mark.algorithm,
    },
    'portal room turned end-to-end encrypted: messages from Matrix no longer cross',
  );
  const text = roomTurnedEncryptedNotice(mark.sender, sides.map(describeSide));
  await d.to(MATRIX_SIDE, () =>
    botNotice(deps, portal.roomId, text, undefined, txnId(deps.txnSalt, 'encrypted', inboxId)),
  );
  for (const s of sides) {
    await d.to(s.side, async () => {
      await s.conn.connector.sendMessage(s.ref, {
        sender: { userId: deps.gateway.botUserId, displayName: BRIDGE_SENDER_NAME },
        content: { text: plainText(channelTurnedEncryptedNotice()), attachments: [], notice: true },
        idempotencyKey: txnId(deps.txnSalt, inboxId, s.side),
      });
    });
  }
}

async function remind(
  inboxId: number,
  event: MatrixEvent,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const due = await deps.stores.encryption.claimReminder(
    portal.id,
    event.sender,
    event.event_id,
    Date.now(),
    REMINDER_PERIOD_MS,
  );
  if (!due) {
    deps.log.debug(
      { roomId: portal.roomId, eventId: event.event_id },
      'encrypted message not bridged; its sender was reminded recently',
    );
    return;
  }
  deps.log.info(
    { roomId: portal.roomId, eventId: event.event_id, sender: event.sender },
    'encrypted message not bridged; reminding its sender',
  );
  const channels = remoteSides(deps, portal.id).map(describeSide);
  await d.to(MATRIX_SIDE, () =>
    botNotice(
      deps,
      portal.roomId,
      encryptedMessageReminder(event.sender, channels),
      event.sender,
      txnId(deps.txnSalt, 'encrypted-reminder', inboxId),
    ),
  );
}

function describeSide(s: RemoteSide): string {
  return `${s.conn.displayName} channel ${s.link.channel} (${s.link.workspace})`;
}

async function botNotice(
  deps: DeliveryDeps,
  roomId: string,
  body: string,
  mention: string | undefined,
  txn: string,
): Promise<void> {
  const content: Record<string, unknown> = { msgtype: 'm.notice', body };
  content['m.mentions'] = mention ? { user_ids: [mention] } : {};
  await deps.gateway.sendEvent(deps.gateway.botUserId, roomId, 'm.room.message', content, txn);
}
