import type { MatrixSenderIdentity, OutboundMessage } from '../../connector/contract.js';
import type { MatrixEvent } from '../../matrix/durable-appservice.js';
import type { OutboundContent } from '../../model/message.js';
import { sanitizeDisplayName } from '../../format/display-name.js';
import { txnId } from '../../matrix/matrix-gateway.js';
import { MATRIX_SIDE, type Portal } from '../../store/index.js';
import { ENCRYPTION_TYPES } from '../encryption.js';
import type { Delivery } from './delivery.js';
import { deliverEncryptionEvent } from './encrypted-room.js';
import { applyRoomMentionPower } from './room-mentions.js';
import type { DeliveryDeps } from './deps.js';
import {
  eventRelation,
  matrixToOutbound,
  obj,
  resolveGhostMentions,
  str,
} from './matrix-content.js';
import { refuseFilesTo } from './media-checks.js';
import { addReactionOnRemotes, removeReactionOnRemotes } from './reactions.js';
import { RefusalMarks } from './refusal-marks.js';
import { firstIdOn, remoteSides } from './sides.js';
import { refuseUnknownTarget } from './unknown-target.js';

/** Delivers one Matrix event to every remote side of its portal. */
export async function deliverMatrixEvent(
  inboxId: number,
  event: MatrixEvent,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  if (ENCRYPTION_TYPES.has(event.type)) {
    return deliverEncryptionEvent(inboxId, event, portal, d, deps);
  }
  if (event.type === 'm.room.redaction') return redaction(event, portal, d, deps);
  const rel = eventRelation(event);
  if (event.type === 'm.reaction') return reaction(event, rel.target, rel.key, portal, d, deps);
  if (rel.kind === 'edit') return edit(inboxId, event, rel.target, portal, d, deps);
  return newMessage(inboxId, event, rel, portal, d, deps);
}

async function senderIdentity(
  event: MatrixEvent,
  deps: DeliveryDeps,
): Promise<MatrixSenderIdentity> {
  const profile = await deps.gateway.memberProfile(event.room_id, event.sender);
  const localpart = event.sender.slice(1).split(':')[0] ?? event.sender;
  return {
    userId: event.sender,
    displayName: sanitizeDisplayName(profile.displayName ?? '') || localpart,
    avatarUrl: deps.mediaProxy.urlFor(profile.avatarMxc),
  };
}

/** The sender as shown on one platform: its name through that platform's template. */
function shownOn(
  connectorId: string,
  sender: MatrixSenderIdentity,
  deps: DeliveryDeps,
): MatrixSenderIdentity {
  const displayName = deps.names.matrixSender(connectorId, sender.displayName, sender.userId);
  return { ...sender, displayName };
}

async function newMessage(
  inboxId: number,
  event: MatrixEvent,
  rel: { threadRoot?: string; replyTo?: string },
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const { messages } = deps.stores;
  const mapped = await messages.find(MATRIX_SIDE, event.event_id);
  const messageId =
    mapped?.messageId ??
    (await messages.create(portal.id, MATRIX_SIDE, event.sender, [
      { side: MATRIX_SIDE, nativeId: event.event_id, part: 0 },
    ]));
  const root = rel.threadRoot ? await messages.find(MATRIX_SIDE, rel.threadRoot) : undefined;
  const reply = rel.replyTo ? await messages.find(MATRIX_SIDE, rel.replyTo) : undefined;

  let content: OutboundContent | undefined;
  let sender: MatrixSenderIdentity | undefined;
  for (const s of remoteSides(deps, portal.id)) {
    await d.to(s.side, async () => {
      // Sent before a crash that came ahead of recording the delivery: do not send twice.
      // (A message mapped just now has no parts anywhere yet: no query needed.)
      if (mapped && (await messages.idsOn(messageId, s.side)).length > 0) return;
      content ??= await applyRoomMentionPower(
        resolveGhostMentions(await matrixToOutbound(event.type, event.content, deps), deps),
        portal.roomId,
        event.sender,
        deps,
      );
      await refuseFilesTo(content, s, event.sender, portal.roomId, deps, new RefusalMarks(d));
      sender ??= await senderIdentity(event, deps);
      const message: OutboundMessage = {
        sender: shownOn(s.conn.id, sender, deps),
        content,
        threadRoot: await firstIdOn(deps, root?.messageId, s.side),
        replyTo: await firstIdOn(deps, reply?.messageId, s.side),
        idempotencyKey: txnId(deps.txnSalt, inboxId, s.side),
      };
      const sent = await s.conn.connector.sendMessage(s.ref, message);
      await messages.addParts(
        messageId,
        sent.messageIds.map((nativeId, part) => ({ side: s.side, nativeId, part })),
      );
    });
  }
}

async function edit(
  inboxId: number,
  event: MatrixEvent,
  target: string | undefined,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const mapped = target ? await deps.stores.messages.find(MATRIX_SIDE, target) : undefined;
  const newContent = obj(event.content['m.new_content']);
  if (!target || !newContent) return;
  if (!mapped) return refuseUnknownTarget(event, target, 'edit', deps);
  // Only the author may edit; the homeserver does not enforce it.
  if (mapped.matrixSender !== event.sender) {
    deps.log.debug(
      { roomId: event.room_id, eventId: event.event_id },
      'edit by someone other than the author, ignored',
    );
    return;
  }
  let content: OutboundContent | undefined;
  let sender: MatrixSenderIdentity | undefined;
  for (const s of remoteSides(deps, portal.id)) {
    await d.to(s.side, async () => {
      const editMessage = s.conn.connector.editMessage?.bind(s.conn.connector);
      if (!s.conn.capabilities.edits || !editMessage) return;
      const id = await firstIdOn(deps, mapped.messageId, s.side);
      if (!id) return;
      content ??= await applyRoomMentionPower(
        resolveGhostMentions(
          {
            ...(await matrixToOutbound(
              'm.room.message',
              { ...newContent, msgtype: str(newContent.msgtype) ?? 'm.text' },
              deps,
            )),
            attachments: [],
          },
          deps,
        ),
        portal.roomId,
        event.sender,
        deps,
      );
      sender ??= await senderIdentity(event, deps);
      await editMessage(s.ref, id, {
        sender: shownOn(s.conn.id, sender, deps),
        content,
        idempotencyKey: txnId(deps.txnSalt, inboxId, s.side),
      });
    });
  }
}

async function reaction(
  event: MatrixEvent,
  target: string | undefined,
  key: string | undefined,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  if (!target || !key || key.length > 64) return;
  const mapped = await deps.stores.messages.find(MATRIX_SIDE, target);
  if (!mapped) return refuseUnknownTarget(event, target, 'reaction', deps);
  await deps.stores.reactions.add({
    messageId: mapped.messageId,
    key,
    originSide: MATRIX_SIDE,
    sender: event.sender,
    matrixEventId: event.event_id,
  });
  const actor = await senderIdentity(event, deps);
  await addReactionOnRemotes(d, deps, portal.id, mapped.messageId, key, undefined, actor);
}

async function redaction(
  event: MatrixEvent,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const redacts = event.redacts ?? str(event.content.redacts);
  if (!redacts) return;
  const { reactions, messages } = deps.stores;

  const reacted = await reactions.byMatrixEvent(redacts);
  if (reacted) {
    if (reacted.originSide !== MATRIX_SIDE) return; // a ghost's reaction: platform users own it
    await reactions.remove(reacted.id);
    const actor = await senderIdentity({ ...event, sender: reacted.sender }, deps);
    await removeReactionOnRemotes(
      d,
      deps,
      portal.id,
      reacted.messageId,
      reacted.key,
      undefined,
      actor,
    );
    return;
  }

  const mapped = await messages.find(MATRIX_SIDE, redacts);
  if (!mapped) return refuseUnknownTarget(event, redacts, 'deletion', deps);
  for (const s of remoteSides(deps, portal.id)) {
    await d.to(s.side, async () => {
      const deleteMessage = s.conn.connector.deleteMessage?.bind(s.conn.connector);
      if (!s.conn.capabilities.deletes || !deleteMessage) return;
      for (const id of await messages.idsOn(mapped.messageId, s.side))
        await deleteMessage(s.ref, id);
    });
  }
  d.onComplete(() => messages.delete(mapped.messageId));
}
