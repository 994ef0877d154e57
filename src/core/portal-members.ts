/**
 * Who is in each portal room, for finding the Matrix users a platform message names. Read
 * from the homeserver on first need and kept a few minutes; a membership change in the room
 * (seen in an appservice transaction) forgets the room's list at once.
 */
import type { Logger } from 'pino';
import { BoundedMap } from '../connector/bounded.js';
import type { MentionableMember } from './name-mentions.js';

/** Bounds how stale a list can get when a membership event never reached us. */
const KEEP_MS = 5 * 60_000;
const MAX_ROOMS = 2_000;

export class PortalMembers {
  private readonly lists = new BoundedMap<string, { at: number; members: MentionableMember[] }>(
    MAX_ROOMS,
  );

  constructor(
    private readonly load: (roomId: string) => Promise<MentionableMember[]>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The room's joined members. When the homeserver cannot say, an empty list: names then
   * stay text, and the message itself still crosses.
   */
  async of(roomId: string): Promise<MentionableMember[]> {
    const kept = this.lists.get(roomId);
    if (kept && this.now() - kept.at < KEEP_MS) return kept.members;
    try {
      const members = await this.load(roomId);
      this.lists.set(roomId, { at: this.now(), members });
      return members;
    } catch (err) {
      this.log.warn(
        { roomId, err: (err as Error).message },
        'could not read the room members; @names in platform messages stay text',
      );
      return [];
    }
  }

  forget(roomId: string): void {
    this.lists.delete(roomId);
  }
}
