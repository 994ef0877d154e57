import type { ChannelRef } from '../../connector/contract.js';
import { txnId } from '../../matrix/matrix-gateway.js';
import { plainText } from '../../model/message.js';
import type { Delivery } from './delivery.js';
import type { DeliveryDeps, RunningConnector } from './deps.js';
import { senderNoticeText, type RefusedFile } from './media-checks.js';

/** How the bridge itself signs its notices on the platforms (as for encrypted rooms). */
const BRIDGE_NAME = 'Matrix bridge';

export interface NoticeOrigin {
  inboxId: number;
  side: string;
  conn: RunningConnector;
  ref: ChannelRef;
}

/**
 * Tells a platform sender, in their own channel and as a reply to their message, which of
 * their files the media policy kept back and why. The notice is a delivery target of its
 * own, so a retried item does not post it twice.
 */
export async function tellPlatformSender(
  o: NoticeOrigin,
  message: { messageId: string; threadRoot?: string },
  refused: readonly RefusedFile[],
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  if (refused.length === 0) return;
  const target = `${o.side}#media-refused`;
  await d.to(target, async () => {
    await o.conn.connector.sendMessage(o.ref, {
      sender: { userId: deps.gateway.botUserId, displayName: BRIDGE_NAME },
      content: { text: plainText(senderNoticeText(refused)), attachments: [], notice: true },
      threadRoot: message.threadRoot,
      replyTo: message.messageId,
      idempotencyKey: txnId(deps.txnSalt, o.inboxId, target),
    });
  });
}
