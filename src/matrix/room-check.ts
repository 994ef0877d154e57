/**
 * Checking one portal room for events the homeserver dropped: paging `/messages` from the
 * room's stored position to the present and handing what the inbox lacks to the intake.
 * Checks of one room never overlap.
 */
import type { Logger } from 'pino';
import type { ConnectorStorage } from '../connector/contract.js';
import { BRIDGED_TYPES } from './event-types.js';
import type { MatrixEvent } from './durable-appservice.js';
import { BridgeError } from '../util/errors.js';
import { describe, statusOf } from './homeserver-errors.js';
import { roomGap, roomPosition, type MatrixRequester } from './timeline-gap.js';

/** Prefix of each portal room's position (a `/messages` token) in the core key/value store. */
export const POSITION_PREFIX = 'matrix_position:';

/** Event types read from rooms: what the intake bridges, and membership (the bot's join). */
const TIMELINE_TYPES = [...BRIDGED_TYPES, 'm.room.member'];

export interface RoomCheckDeps {
  /** The bridge bot's client. */
  client(): MatrixRequester;
  botUserId(): string;
  /** The core key/value storage (`kv.forConnector('_core')`). */
  storage: ConnectorStorage;
  /** Which of these Matrix event ids the inbox already holds. */
  recorded(eventIds: string[]): Promise<Set<string>>;
  /** Hands events to the intake, filtered like a transaction's; returns how many it recorded. */
  record(events: MatrixEvent[]): Promise<number>;
  log: Logger;
}

export interface RoomCheckSettings {
  /** Timeout of each `/messages` request. */
  requestTimeoutMs: number;
  pageSize: number;
}

export interface RoomResult {
  recorded: number;
  pages: number;
}

const NOTHING: RoomResult = { recorded: 0, pages: 0 };

export class RoomChecker {
  /** Per room, its position; '' when it has none (not read yet, or refused). */
  private readonly positions = new Map<string, string>();
  /** Per room, the check in progress: checks of one room never overlap. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: RoomCheckDeps,
    private readonly s: RoomCheckSettings,
    private readonly stopped: () => boolean,
  ) {}

  /** Whether the room has a position to check from. */
  hasPosition(roomId: string): boolean {
    const known = this.positions.get(roomId);
    return known !== undefined && known !== '';
  }

  /** The checks under way, for a stop to wait on. */
  inFlight(): Promise<unknown>[] {
    return [...this.locks.values()];
  }

  /**
   * One room: what it got since its position, handed to the intake, then the new position.
   * Throws when the homeserver is away or the bridge's storage fails; a room the bot cannot
   * read is skipped.
   */
  check(roomId: string): Promise<RoomResult> {
    const previous = this.locks.get(roomId) ?? Promise.resolve();
    const check = previous
      .catch(() => undefined)
      .then(() => {
        if (this.stopped()) throw new CatchUpStoppedError();
        return this.checkNow(roomId);
      });
    this.locks.set(roomId, check);
    void check
      .finally(() => {
        if (this.locks.get(roomId) === check) this.locks.delete(roomId);
      })
      .catch(() => undefined);
    return check;
  }

  private async checkNow(roomId: string): Promise<RoomResult> {
    const since = await this.position(roomId);
    const client = this.deps.client();
    try {
      if (since === undefined) {
        const position = await roomPosition(client, roomId, this.s.requestTimeoutMs);
        if (position && !this.stopped()) await this.setPosition(roomId, position);
        return { recorded: 0, pages: 1 };
      }
      return await this.walk(client, roomId, since);
    } catch (err) {
      const status = statusOf(err);
      if (status === undefined || status >= 500 || status === 429) throw err;
      if (status === 400) await this.positionRefused(roomId, err);
      else {
        this.deps.log.debug(
          { roomId, err: describe(err) },
          'Matrix catch-up: bot cannot read room',
        );
      }
      return NOTHING;
    }
  }

  /**
   * Pages the room from `since` to the present; each page's missing events are recorded
   * before the position moves past them. Throws unless it got to the present.
   */
  private async walk(client: MatrixRequester, roomId: string, since: string): Promise<RoomResult> {
    const { deps, s } = this;
    let recorded = 0;
    const gap = await roomGap(client, {
      roomId,
      since,
      botUserId: deps.botUserId(),
      types: TIMELINE_TYPES,
      recorded: (ids) => deps.recorded(ids),
      onPage: async (events, position) => {
        if (events.length > 0) recorded += await deps.record(events);
        if (position !== undefined) await this.setPosition(roomId, position);
      },
      pageSize: s.pageSize,
      requestTimeoutMs: s.requestTimeoutMs,
      stopped: () => this.stopped(),
    });
    if (!gap.complete) throw new CatchUpStoppedError();
    return { recorded, pages: gap.pages };
  }

  /**
   * A position the homeserver no longer accepts (it changed its token format): a fresh one
   * is taken at the next check. Events it dropped in between cannot be found; said loudly.
   */
  private async positionRefused(roomId: string, err: unknown): Promise<void> {
    this.deps.log.error(
      { roomId, err: describe(err) },
      'Matrix catch-up: the homeserver refuses the room’s stored position; a fresh one is taken, ' +
        'so events it dropped in this room before now cannot be recovered (check its logs for a restart)',
    );
    await this.setPosition(roomId, '');
  }

  private async position(roomId: string): Promise<string | undefined> {
    let position = this.positions.get(roomId);
    if (position === undefined) {
      position = (await this.deps.storage.get(POSITION_PREFIX + roomId)) ?? '';
      this.positions.set(roomId, position);
    }
    return position === '' ? undefined : position;
  }

  private async setPosition(roomId: string, position: string): Promise<void> {
    await this.deps.storage.set(POSITION_PREFIX + roomId, position);
    this.positions.set(roomId, position);
  }
}

/** The bridge stopped before a catch-up finished; the work is taken up at the next start. */
export class CatchUpStoppedError extends BridgeError {
  constructor() {
    super(
      'MATRIX_CATCH_UP_STOPPED',
      'the bridge is stopping before the Matrix catch-up finished; the homeserver sends the transaction again and the catch-up resumes at the next start',
    );
  }
}
