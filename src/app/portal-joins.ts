import type { Logger } from 'pino';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { errorMessage } from '../util/errors.js';

/** Joins in flight at once: enough to finish thousands quickly, few enough to spare Synapse. */
const JOIN_CONCURRENCY = 4;

/** The bot's side of membership, as the homeserver sees it. */
export interface BotMembership {
  readonly userId: string;
  joinedRooms(): Promise<string[]>;
  join(roomId: string): Promise<unknown>;
}

export function botMembership(gateway: MatrixGateway): BotMembership {
  return {
    userId: gateway.botUserId,
    joinedRooms: () => gateway.intent().matrixClient.getJoinedRooms(),
    join: (roomId) => gateway.intent().join(roomId),
  };
}

export interface PortalJoinSummary {
  /** Portal rooms the bot was already in (one `GET /joined_rooms`). */
  present: number;
  joined: number;
  failed: number;
}

/**
 * Makes the bot a member of every portal room: the homeserver sends the bridge a room's
 * events only while one of its users is in it. Asks once which rooms the bot is in and
 * joins only the others, a few at a time, so a restart with thousands of portals costs one
 * request instead of one per portal. Start-up waits for the joins up to a bound, then lets
 * them finish in the background; `stop()` ends them between joins.
 */
export class PortalJoiner {
  private stopped = false;
  private running: Promise<PortalJoinSummary> | undefined;

  constructor(
    /** Room ids of every portal, read when the run starts. */
    private readonly portalRooms: () => string[],
    private readonly bot: BotMembership,
    private readonly log: Logger,
  ) {}

  start(): Promise<PortalJoinSummary> {
    this.running ??= this.run();
    return this.running;
  }

  /** Starts, and resolves when done or after `maxWaitMs`, whichever comes first. */
  async startWithin(maxWaitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'waiting'>((resolve) => {
      timer = setTimeout(() => resolve('waiting'), maxWaitMs);
    });
    const outcome = await Promise.race([this.start(), bound]).finally(() => clearTimeout(timer));
    if (outcome === 'waiting') {
      this.log.info(
        { afterMs: maxWaitMs },
        'still joining portal rooms; continuing in the background',
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<PortalJoinSummary> {
    const present = await this.joinedRooms();
    const rooms = this.portalRooms();
    const missing = rooms.filter((roomId) => !present.has(roomId));
    const summary: PortalJoinSummary = {
      present: rooms.length - missing.length,
      joined: 0,
      failed: 0,
    };
    const next = (): string | undefined => (this.stopped ? undefined : missing.shift());
    const lane = async (): Promise<void> => {
      for (let roomId = next(); roomId; roomId = next()) {
        if (await this.join(roomId)) summary.joined++;
        else summary.failed++;
      }
    };
    await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, lane));
    const level = summary.failed > 0 ? 'warn' : 'info';
    this.log[level](summary, 'portal rooms joined');
    return summary;
  }

  /** The bot's rooms; empty (so every portal is joined) when the homeserver cannot say. */
  private async joinedRooms(): Promise<Set<string>> {
    try {
      return new Set(await this.bot.joinedRooms());
    } catch (err) {
      this.log.warn(
        { err: errorMessage(err) },
        'cannot list the bot’s rooms; joining every portal',
      );
      return new Set();
    }
  }

  private async join(roomId: string): Promise<boolean> {
    try {
      await this.bot.join(roomId);
      return true;
    } catch (err) {
      this.log.warn(
        { roomId, err: errorMessage(err) },
        `bot cannot join the portal room; invite ${this.bot.userId} to it`,
      );
      return false;
    }
  }
}
