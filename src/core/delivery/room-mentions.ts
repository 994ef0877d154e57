import type { OutboundContent } from '../../model/message.js';
import { hasRoomMention, withoutRoomMentions } from '../mentions.js';
import type { DeliveryDeps } from './deps.js';

/** The spec's defaults when `m.room.power_levels` leaves a value out. */
const DEFAULT_ROOM_NOTIFICATION_LEVEL = 50;
const DEFAULT_USER_LEVEL = 0;

const level = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) ? v : fallback;

/**
 * Whether `userId` may notify the whole room, by the room's power levels (the
 * `notifications.room` level, 50 unless the room says otherwise). A room without power
 * levels lets nobody but its creator do so; the bridge does not look the creator up.
 */
export function mayNotifyRoom(
  powerLevels: Record<string, unknown> | undefined,
  userId: string,
): boolean {
  if (!powerLevels) return false;
  const notifications = powerLevels.notifications as Record<string, unknown> | undefined;
  const users = powerLevels.users as Record<string, unknown> | undefined;
  const needed = level(notifications?.room, DEFAULT_ROOM_NOTIFICATION_LEVEL);
  const has = level(users?.[userId], level(powerLevels.users_default, DEFAULT_USER_LEVEL));
  return has >= needed;
}

/**
 * Matrix lets only members with enough power notify a whole room; the platforms would let
 * the bridge notify the whole channel for anyone. A room mention from a member without
 * that power is passed on as plain text. Power levels are read only for messages that
 * carry a room mention.
 */
export async function applyRoomMentionPower(
  content: OutboundContent,
  roomId: string,
  sender: string,
  deps: Pick<DeliveryDeps, 'gateway' | 'log'>,
): Promise<OutboundContent> {
  if (!hasRoomMention(content.text)) return content;
  if (mayNotifyRoom(await deps.gateway.powerLevels(roomId), sender)) return content;
  deps.log.debug({ roomId }, 'room mention from a member without notifications.room power');
  return { ...content, text: withoutRoomMentions(content.text) };
}
