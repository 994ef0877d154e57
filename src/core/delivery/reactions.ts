import type { Delivery } from './delivery.js';
import type { DeliveryDeps } from './deps.js';
import { remoteSides } from './sides.js';

/** The bridge bot shows `key` on every remote side where someone from another side reacted. */
export async function addReactionOnRemotes(
  d: Delivery,
  deps: DeliveryDeps,
  portalId: number,
  messageId: number,
  key: string,
  exceptSide?: string,
): Promise<void> {
  for (const s of remoteSides(deps, portalId, exceptSide)) {
    await d.to(s.side, async () => {
      if (!s.conn.capabilities.reactions || !s.conn.connector.addReaction) return;
      const ids = await deps.stores.messages.idsOn(messageId, s.side);
      if (ids[0]) await s.conn.connector.addReaction(s.ref, ids[0], key);
    });
  }
}

/** Removes the bot's `key` from remote sides where no reaction from another side remains. */
export async function removeReactionOnRemotes(
  d: Delivery,
  deps: DeliveryDeps,
  portalId: number,
  messageId: number,
  key: string,
  exceptSide?: string,
): Promise<void> {
  for (const s of remoteSides(deps, portalId, exceptSide)) {
    await d.to(s.side, async () => {
      if (!s.conn.capabilities.reactions || !s.conn.connector.removeReaction) return;
      if (await deps.stores.reactions.presentFromOtherSides(messageId, key, s.side)) return;
      const ids = await deps.stores.messages.idsOn(messageId, s.side);
      if (ids[0]) await s.conn.connector.removeReaction(s.ref, ids[0], key);
    });
  }
}
