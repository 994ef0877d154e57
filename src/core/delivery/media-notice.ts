import type { ChannelRef } from '../../connector/contract.js';
import { txnId } from '../../matrix/matrix-gateway.js';
import { plainText } from '../../model/message.js';
import type { Delivery } from './delivery.js';
import type { DeliveryDeps, RunningConnector } from './deps.js';
import { MATRIX_SIDE } from '../../store/index.js';
import { senderNoticeText, type RefusedFile } from './media-checks.js';
import { RefusalMarks } from './refusal-marks.js';
import { sideLabel } from './side-label.js';
import { BRIDGE_SENDER_NAME } from './notices.js';

export interface NoticeOrigin {
  inboxId: number;
  side: string;
  conn: RunningConnector;
  ref: ChannelRef;
}

/**
 * Tells a platform sender, in their own channel and as a reply to their message, which of
 * their files the media policy kept back and why. The refusals come from the item's marks,
 * not from this attempt's checks: a notice that failed is sent on a retry even when every
 * side was delivered before and no file is judged again. The notice is a delivery target
 * of its own, so a retried item does not post it twice.
 */
export async function tellPlatformSender(
  o: NoticeOrigin,
  message: { messageId: string; threadRoot?: string; content: { attachments: Named[] } },
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const refused = refusedFiles(new RefusalMarks(d), message.content.attachments, deps);
  if (refused.length === 0) return;
  const target = `${o.side}#media-refused`;
  await d.to(target, async () => {
    await o.conn.connector.sendMessage(o.ref, {
      sender: { userId: deps.gateway.botUserId, displayName: BRIDGE_SENDER_NAME },
      content: { text: plainText(senderNoticeText(refused)), attachments: [], notice: true },
      threadRoot: message.threadRoot,
      replyTo: message.messageId,
      idempotencyKey: txnId(deps.txnSalt, o.inboxId, target),
    });
  });
}

interface Named {
  name: string;
}

/** The item's refused files as the notice names them: the file's name and where it was going. */
function refusedFiles(
  marks: RefusalMarks,
  attachments: readonly Named[],
  deps: DeliveryDeps,
): RefusedFile[] {
  return marks.all().map((m) => ({
    name: attachments[m.file]?.name ?? 'file',
    where: m.side === MATRIX_SIDE ? 'Matrix' : sideLabel(m.side, deps.connectors).platform,
    refusal: m.refusal,
  }));
}
