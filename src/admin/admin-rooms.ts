import type { Logger } from 'pino';
import type { MatrixEvent } from '../matrix/durable-appservice.js';
import type { AdminRoomStore } from '../store/admin-room-store.js';
import { errorMessage } from '../util/errors.js';
import type { Actor } from './actor.js';
import { runCommand } from './commands.js';
import type { AdminMatrix } from './matrix-rooms.js';
import type { AdminOperations } from './operations.js';

const SEEN_LIMIT = 5_000;
const MAX_COMMAND_CHARS = 2_000;

export interface AdminRoomsDeps {
  ops: AdminOperations;
  store: AdminRoomStore;
  matrix: AdminMatrix;
  /** Rooms that are portals are never admin rooms. */
  isPortal(roomId: string): boolean;
  /** Events from the bridge's own ghosts are ignored. */
  isGhost(userId: string): boolean;
  log: Logger;
}

/**
 * Direct-message rooms with the bridge bot, where permitted users give !commands. The bot
 * accepts a DM invite (is_direct) from anyone with at least the `user` level, declines DM
 * invites from others (audited), and leaves when the person who opened the room leaves.
 * Invites to ordinary rooms are left pending: linking such a room makes the bot join it.
 */
export class AdminRooms {
  private readonly seen = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: AdminRoomsDeps) {}

  /** Handles a membership event; true when it concerned an admin room (or a DM invite). */
  onMembership(event: MatrixEvent): boolean {
    const { matrix } = this.deps;
    const membership = event.content.membership;
    if (event.state_key === matrix.botUserId && membership === 'invite') {
      if (event.content.is_direct !== true || this.deps.isPortal(event.room_id)) return false;
      this.enqueue(event.room_id, () => this.onDirectInvite(event));
      return true;
    }
    if ((membership === 'leave' || membership === 'ban') && event.state_key !== matrix.botUserId) {
      this.enqueue(event.room_id, () => this.onLeave(event));
    }
    return false;
  }

  /** Looks at a transaction's events for commands; runs them without delaying the transaction. */
  observe(events: MatrixEvent[]): void {
    for (const event of events) {
      if (event.type !== 'm.room.message' || event.content.msgtype !== 'm.text') continue;
      const body = event.content.body;
      if (typeof body !== 'string' || !body.trimStart().startsWith('!')) continue;
      if (event.sender === this.deps.matrix.botUserId || this.deps.isGhost(event.sender)) continue;
      if (this.deps.isPortal(event.room_id) || this.alreadySeen(event.event_id)) continue;
      this.enqueue(event.room_id, () => this.onCommand(event, body));
    }
  }

  /** Waits for every queued command (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private async onDirectInvite(event: MatrixEvent): Promise<void> {
    const { ops, store, matrix, log } = this.deps;
    const actor: Actor = { userId: event.sender, viaSecret: false, path: 'command' };
    const level = ops.levelOf(actor);
    if (level === 'none') {
      log.info(
        { roomId: event.room_id, inviter: event.sender },
        'declined a DM from a user without permission',
      );
      await ops.writeAudit({
        actor: event.sender,
        path: 'command',
        action: 'open_admin_room',
        outcome: 'denied',
        roomId: event.room_id,
        detail: 'needs user, has none',
      });
      await matrix.leaveBot(event.room_id);
      return;
    }
    await matrix.joinBot(event.room_id);
    await store.add(event.room_id, event.sender);
    log.info({ roomId: event.room_id, user: event.sender }, 'admin room opened');
    await matrix.notice(
      event.room_id,
      `Hello! I am the bridge bot. Your permission level is ${level}. Send !help to see what you can do.`,
      `welcome:${event.event_id}`,
    );
  }

  private async onLeave(event: MatrixEvent): Promise<void> {
    const owner = await this.deps.store.ownerOf(event.room_id);
    if (!owner || owner !== event.state_key) return;
    await this.deps.store.remove(event.room_id);
    await this.deps.matrix.leaveBot(event.room_id);
    this.deps.log.info({ roomId: event.room_id }, 'admin room closed: its owner left');
  }

  private async onCommand(event: MatrixEvent, body: string): Promise<void> {
    if (!(await this.deps.store.ownerOf(event.room_id))) return;
    const actor: Actor = { userId: event.sender, viaSecret: false, path: 'command' };
    const reply = await runCommand(this.deps.ops, actor, body.slice(0, MAX_COMMAND_CHARS));
    if (reply === undefined) return;
    await this.deps.matrix.notice(event.room_id, reply, `reply:${event.event_id}`);
  }

  private alreadySeen(eventId: string): boolean {
    if (this.seen.has(eventId)) return true;
    if (this.seen.size >= SEEN_LIMIT) this.seen.clear();
    this.seen.add(eventId);
    return false;
  }

  /** One queue per room keeps replies in the order the commands were sent. */
  private enqueue(roomId: string, work: () => Promise<void>): void {
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((err: unknown) =>
        this.deps.log.warn({ roomId, err: errorMessage(err) }, 'admin room: handling failed'),
      )
      .finally(() => {
        if (this.queues.get(roomId) === next) this.queues.delete(roomId);
      });
    this.queues.set(roomId, next);
  }
}
