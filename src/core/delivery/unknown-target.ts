/**
 * A Matrix edit, reaction or deletion of a message the bridge has no record of: its ids were
 * pruned after `retention.messages_days`, or it was sent before the room was linked. The
 * bridge cannot tell which copy on the other sides it concerns, so nothing crosses; instead
 * of dropping it silently, the sender gets a failure notice saying so. The bot's own notices
 * and events that are no messages (state, reactions) were never bridged: those stay quiet.
 */
import type { MatrixEvent } from '../../matrix/durable-appservice.js';
import { BridgeError } from '../../util/errors.js';
import type { DeliveryDeps } from './deps.js';

/** Event types the bridge carries as messages (and so keeps ids of). */
const MESSAGE_TYPES: ReadonlySet<string> = new Set(['m.room.message', 'm.sticker']);

export type ChangeKind = 'edit' | 'reaction' | 'deletion';

/** Throws MESSAGE_NOT_KNOWN unless the unmapped `target` is something never bridged anyway. */
export async function refuseUnknownTarget(
  event: MatrixEvent,
  target: string,
  kind: ChangeKind,
  deps: DeliveryDeps,
): Promise<void> {
  const origin = await deps.gateway.eventOrigin(event.room_id, target);
  const neverBridged =
    origin !== undefined &&
    (origin.sender === deps.gateway.botUserId || !MESSAGE_TYPES.has(origin.type));
  if (neverBridged) {
    deps.log.debug(
      { roomId: event.room_id, eventId: event.event_id, kind },
      'change of an event the bridge never carried; nothing to do',
    );
    return;
  }
  throw new BridgeError(
    'MESSAGE_NOT_KNOWN',
    `this ${kind} did not cross: the bridge no longer knows the message it refers to ` +
      '(older than the bridge keeps track of, or sent before the room was linked); ' +
      `send it as a new message instead`,
  );
}
