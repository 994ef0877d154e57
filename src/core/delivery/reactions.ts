import type { MatrixSenderIdentity } from '../../connector/contract.js';
import type { Delivery } from './delivery.js';
import type { DeliveryDeps } from './deps.js';
import { remoteSides } from './sides.js';

/**
 * The bridge bot shows `key` on every remote side where someone from another side reacted.
 * Sides whose reactions belong to users (`actorReactions`) get the Matrix `actor`'s own.
 */
export async function addReactionOnRemotes(
  d: Delivery,
  deps: DeliveryDeps,
  portalId: number,
  messageId: number,
  key: string,
  exceptSide?: string,
  actor?: MatrixSenderIdentity,
): Promise<void> {
  for (const s of remoteSides(deps, portalId, exceptSide)) {
    await d.to(s.side, async () => {
      const caps = s.conn.capabilities;
      const byActor = !caps.reactions && caps.actorReactions === true;
      if (!s.conn.connector.addReaction || (!caps.reactions && !(byActor && actor))) return;
      const ids = await deps.stores.messages.idsOn(messageId, s.side);
      if (!ids[0]) return;
      if (byActor) await s.conn.connector.addReaction(s.ref, ids[0], key, actor);
      else await s.conn.connector.addReaction(s.ref, ids[0], key);
    });
  }
}

/**
 * Removes the bot's `key` from remote sides where no reaction from another side remains, and
 * the `actor`'s own reaction from sides with `actorReactions`.
 */
export async function removeReactionOnRemotes(
  d: Delivery,
  deps: DeliveryDeps,
  portalId: number,
  messageId: number,
  key: string,
  exceptSide?: string,
  actor?: MatrixSenderIdentity,
): Promise<void> {
  for (const s of remoteSides(deps, portalId, exceptSide)) {
    await d.to(s.side, async () => {
      const caps = s.conn.capabilities;
      const byActor = !caps.reactions && caps.actorReactions === true;
      if (!s.conn.connector.removeReaction || (!caps.reactions && !(byActor && actor))) return;
      if (byActor) {
        const ids = await deps.stores.messages.idsOn(messageId, s.side);
        if (ids[0]) await s.conn.connector.removeReaction(s.ref, ids[0], key, actor);
        return;
      }
      if (await deps.stores.reactions.presentFromOtherSides(messageId, key, s.side)) return;
      const ids = await deps.stores.messages.idsOn(messageId, s.side);
      if (ids[0]) await s.conn.connector.removeReaction(s.ref, ids[0], key);
    });
  }
}
