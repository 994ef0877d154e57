import type { ChannelRef, MatrixSenderIdentity } from '../../connector/contract.js';
import type {
  DeleteEvent,
  EditEvent,
  MessageEvent,
  ReactionEvent,
  RemoteEvent,
} from '../../connector/events.js';
import type { OutboundContent } from '../../model/message.js';
import { txnId } from '../../matrix/matrix-gateway.js';
import { MATRIX_SIDE, type Portal } from '../../store/index.js';
import { sideKey } from '../ids.js';
import type { Delivery } from './delivery.js';
import type { DeliveryDeps, RunningConnector } from './deps.js';
import { inboundToMatrix, textContent, type MediaOrigin } from './matrix-content.js';
import { relayedFor, type PlatformOrigin } from './media-checks.js';
import { tellPlatformSender } from './media-notice.js';
import { RefusalMarks } from './refusal-marks.js';
import { relayContent, withNotes } from './remote-files.js';
import { addReactionOnRemotes, removeReactionOnRemotes } from './reactions.js';
import { firstIdOn, remoteSides } from './sides.js';
import { platformText } from './platform-text.js';

interface Origin {
  inboxId: number;
  connectorId: string;
  conn: RunningConnector;
  ref: ChannelRef;
  side: string;
  portal: Portal;
}

/** Delivers one platform event to Matrix and to every other remote side of its portal. */
export async function deliverRemoteEvent(
  inboxId: number,
  connectorId: string,
  event: RemoteEvent,
  portal: Portal,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const ref = { workspace: event.workspace, channel: event.channel };
  const origin: Origin = {
    inboxId,
    connectorId,
    conn: deps.connectors.get(connectorId),
    ref,
    side: sideKey({ connector: connectorId, ...ref }),
    portal,
  };
  switch (event.kind) {
    case 'message':
    case 'edit': {
      const text = await platformText(
        event.content.text,
        { connector: connectorId, workspace: event.workspace, roomId: portal.roomId },
        deps,
      );
      const safe = { ...event, content: { ...event.content, text } };
      return safe.kind === 'message' ? message(origin, safe, d, deps) : edit(origin, safe, d, deps);
    }
    case 'delete':
      return remove(origin, event, d, deps);
    case 'reaction':
      return react(origin, event, d, deps);
    case 'reaction_remove':
      return unreact(origin, event, d, deps);
  }
}

async function ghostIdentity(deps: DeliveryDeps, ghostId: string): Promise<MatrixSenderIdentity> {
  const record = await deps.ghosts.record(ghostId);
  return {
    userId: ghostId,
    displayName: record?.displayName ?? ghostId,
    avatarUrl: deps.mediaProxy.urlFor(record?.avatarMxc ?? undefined),
  };
}

/** The sender and channel of a platform message, for the media policy's refusals. */
function platformOrigin(o: Origin, event: MessageEvent, d: Delivery): PlatformOrigin {
  return {
    connectorId: o.connectorId,
    ref: o.ref,
    sender: `${o.connectorId}/${event.workspace}/${event.sender.userId}`,
    roomId: o.portal.roomId,
    marks: new RefusalMarks(d),
  };
}

async function message(
  o: Origin,
  event: MessageEvent,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const { messages } = deps.stores;
  const existing = await messages.find(o.side, event.messageId);
  // The bridge itself posted this (it came from another side): an echo.
  if (existing && existing.originSide !== o.side) return;
  const ghostId = await deps.ghosts.ensure(
    o.connectorId,
    event.workspace,
    event.sender.userId,
    event.sender.displayName,
  );
  const messageId =
    existing?.messageId ??
    (await messages.create(o.portal.id, o.side, ghostId, [
      { side: o.side, nativeId: event.messageId, part: 0 },
    ]));
  const root = event.threadRoot ? await messages.find(o.side, event.threadRoot) : undefined;
  const reply = event.replyTo ? await messages.find(o.side, event.replyTo) : undefined;
  const media: MediaOrigin = { platform: platformOrigin(o, event, d), refused: [] };

  await d.to(MATRIX_SIDE, async () => {
    const parts = await inboundToMatrix(event.content, o.ref, o.conn.connector, deps, media);
    const rootEvent = await firstIdOn(deps, root?.messageId, MATRIX_SIDE);
    const replyEvent = await firstIdOn(deps, reply?.messageId, MATRIX_SIDE);
    for (const [i, part] of parts.entries()) {
      const content = { ...part.content };
      if (rootEvent) {
        content['m.relates_to'] = {
          rel_type: 'm.thread',
          event_id: rootEvent,
          is_falling_back: !replyEvent,
          'm.in_reply_to': { event_id: replyEvent ?? rootEvent },
        };
      } else if (replyEvent && i === 0) {
        content['m.relates_to'] = { 'm.in_reply_to': { event_id: replyEvent } };
      }
      // The same txn id on a retry makes the homeserver return the event it already has.
      const eventId = await deps.gateway.sendEvent(
        ghostId,
        o.portal.roomId,
        part.type,
        content,
        txnId(deps.txnSalt, o.inboxId, MATRIX_SIDE, i),
      );
      await messages.addParts(messageId, [{ side: MATRIX_SIDE, nativeId: eventId, part: i }]);
    }
  });

  let relayed: OutboundContent | undefined;
  let sender: MatrixSenderIdentity | undefined;
  for (const s of remoteSides(deps, o.portal.id, o.side)) {
    await d.to(s.side, async () => {
      if ((await messages.idsOn(messageId, s.side)).length > 0) return;
      relayed ??= await relayContent(o.conn.connector, o.ref, event.content, deps);
      const allowed = await relayedFor(relayed, s, media.platform, media.refused, deps);
      sender ??= await ghostIdentity(deps, ghostId);
      const sent = await s.conn.connector.sendMessage(s.ref, {
        sender,
        content: { ...allowed.content, text: withNotes(allowed.content.text, allowed.notes) },
        threadRoot: await firstIdOn(deps, root?.messageId, s.side),
        replyTo: await firstIdOn(deps, reply?.messageId, s.side),
        idempotencyKey: txnId(deps.txnSalt, o.inboxId, s.side),
      });
      await messages.addParts(
        messageId,
        sent.messageIds.map((nativeId, part) => ({ side: s.side, nativeId, part })),
      );
    });
  }
  await tellPlatformSender(o, event, d, deps);
}

async function edit(o: Origin, event: EditEvent, d: Delivery, deps: DeliveryDeps): Promise<void> {
  const mapped = await deps.stores.messages.find(o.side, event.messageId);
  if (!mapped || mapped.originSide !== o.side || !mapped.matrixSender) return;
  const ghostId = mapped.matrixSender;
  await d.to(MATRIX_SIDE, async () => {
    const target = await firstIdOn(deps, mapped.messageId, MATRIX_SIDE);
    const text = textContent(event.content, deps);
    if (!target || !text) return;
    const content: Record<string, unknown> = {
      ...text,
      body: `* ${String(text.body)}`,
      'm.new_content': text,
      'm.relates_to': { rel_type: 'm.replace', event_id: target },
    };
    if (typeof text.formatted_body === 'string')
      content.formatted_body = `* ${text.formatted_body}`;
    await deps.gateway.sendEvent(
      ghostId,
      o.portal.roomId,
      'm.room.message',
      content,
      txnId(deps.txnSalt, o.inboxId, MATRIX_SIDE),
    );
  });
  let sender: MatrixSenderIdentity | undefined;
  for (const s of remoteSides(deps, o.portal.id, o.side)) {
    await d.to(s.side, async () => {
      const editMessage = s.conn.connector.editMessage?.bind(s.conn.connector);
      const id = await firstIdOn(deps, mapped.messageId, s.side);
      if (!s.conn.capabilities.edits || !editMessage || !id) return;
      sender ??= await ghostIdentity(deps, ghostId);
      await editMessage(s.ref, id, {
        sender,
        content: { ...event.content, attachments: [] },
        idempotencyKey: txnId(deps.txnSalt, o.inboxId, s.side),
      });
    });
  }
}

async function remove(
  o: Origin,
  event: DeleteEvent,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const { messages } = deps.stores;
  const mapped = await messages.find(o.side, event.messageId);
  if (!mapped) return;
  await d.to(MATRIX_SIDE, async () => {
    // A ghost redacts its own event; anything else needs the bot's power in the room.
    const redactor =
      mapped.matrixSender && deps.codec.isGhost(mapped.matrixSender)
        ? mapped.matrixSender
        : deps.gateway.botUserId;
    for (const [i, id] of (await messages.idsOn(mapped.messageId, MATRIX_SIDE)).entries()) {
      await deps.gateway.redact(
        redactor,
        o.portal.roomId,
        id,
        txnId(deps.txnSalt, o.inboxId, MATRIX_SIDE, i),
      );
    }
  });
  for (const s of remoteSides(deps, o.portal.id, o.side)) {
    await d.to(s.side, async () => {
      const deleteMessage = s.conn.connector.deleteMessage?.bind(s.conn.connector);
      if (!s.conn.capabilities.deletes || !deleteMessage) return;
      for (const id of await messages.idsOn(mapped.messageId, s.side))
        await deleteMessage(s.ref, id);
    });
  }
  d.onComplete(() => messages.delete(mapped.messageId));
}

async function react(
  o: Origin,
  event: ReactionEvent,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const { messages, reactions } = deps.stores;
  const mapped = await messages.find(o.side, event.messageId);
  if (!mapped) return;
  const ghostId = await deps.ghosts.ensure(
    o.connectorId,
    event.workspace,
    event.sender.userId,
    event.sender.displayName,
  );
  await reactions.add({
    messageId: mapped.messageId,
    key: event.key,
    originSide: o.side,
    sender: event.sender.userId,
    matrixEventId: null,
  });
  await d.to(MATRIX_SIDE, async () => {
    const row = await reactions.find(mapped.messageId, event.key, o.side, event.sender.userId);
    const target = await firstIdOn(deps, mapped.messageId, MATRIX_SIDE);
    if (!row || row.matrixEventId || !target) return;
    const eventId = await deps.gateway.sendEvent(
      ghostId,
      o.portal.roomId,
      'm.reaction',
      { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key: event.key } },
      txnId(deps.txnSalt, o.inboxId, MATRIX_SIDE),
    );
    await reactions.setMatrixEvent(row.id, eventId);
  });
  await addReactionOnRemotes(d, deps, o.portal.id, mapped.messageId, event.key, o.side);
}

async function unreact(
  o: Origin,
  event: ReactionEvent,
  d: Delivery,
  deps: DeliveryDeps,
): Promise<void> {
  const { messages, reactions } = deps.stores;
  const mapped = await messages.find(o.side, event.messageId);
  if (!mapped) return;
  const row = await reactions.find(mapped.messageId, event.key, o.side, event.sender.userId);
  await d.to(MATRIX_SIDE, async () => {
    if (!row?.matrixEventId) return;
    const ghostId = deps.ghosts.userIdFor(o.connectorId, event.workspace, event.sender.userId);
    await deps.gateway.redact(
      ghostId,
      o.portal.roomId,
      row.matrixEventId,
      txnId(deps.txnSalt, o.inboxId, MATRIX_SIDE),
    );
  });
  if (d.failed(MATRIX_SIDE)) return; // keep the row until the Matrix side is done
  if (row) await reactions.remove(row.id);
  await removeReactionOnRemotes(d, deps, o.portal.id, mapped.messageId, event.key, o.side);
}
