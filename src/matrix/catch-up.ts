import type { Logger } from 'pino';
import type { ConnectorStorage } from '../connector/contract.js';
import type { MatrixEvent } from './durable-appservice.js';
import { BRIDGED_TYPES } from './event-types.js';
import { BridgeError } from '../util/errors.js';
import { backoffMs, describe, isUnreachable, statusOf } from './homeserver-errors.js';
import { roomGap, roomPosition, type MatrixRequester } from './timeline-gap.js';

export { isUnreachable } from './homeserver-errors.js';

/** Prefix of each portal room's position (a `/messages` token) in the core key/value store. */
export const POSITION_PREFIX = 'matrix_position:';

export interface CatchUpSettings {
  /**
   * Safety net: a catch-up of (up to `roomsPerPeriodicRun`) portal rooms this often, for
   * events the homeserver dropped without the bridge noticing it was away.
   */
  intervalMs: number;
  /** Rooms checked per periodic run, in turn; with more portals each waits a few runs. */
  roomsPerPeriodicRun: number;
  /** How often the homeserver is asked whether it is there (`GET /versions`). */
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Timeout of each `/messages` request. */
  requestTimeoutMs: number;
  /**
   * Retry delay after a failure, doubling up to `retryMaxMs`: a check is retried until it
   * succeeds, never given up.
   */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Rooms checked at once. */
  concurrency: number;
  pageSize: number;
}

export const CATCH_UP_DEFAULTS: CatchUpSettings = {
  intervalMs: 60_000,
  roomsPerPeriodicRun: 200,
  probeIntervalMs: 2_000,
  probeTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  retryInitialMs: 1_000,
  retryMaxMs: 15_000,
  concurrency: 4,
  pageSize: 100,
};

export interface CatchUpDeps {
  /** The bridge bot's client. */
  client(): MatrixRequester;
  botUserId(): string;
  /** The core key/value storage (`kv.forConnector('_core')`). */
  storage: ConnectorStorage;
  /** Room ids of every portal, read at the start of each run. */
  portalRooms(): string[];
  isPortalRoom(roomId: string): boolean;
  /** Which of these Matrix event ids the inbox already holds. */
  recorded(eventIds: string[]): Promise<Set<string>>;
  /** Hands events to the intake, filtered like a transaction's; returns how many it recorded. */
  record(events: MatrixEvent[]): Promise<number>;
  log: Logger;
}

/** Event types read from rooms: what the intake bridges, and membership (the bot's join). */
const TIMELINE_TYPES = [...BRIDGED_TYPES, 'm.room.member'];

interface RoomResult {
  recorded: number;
  pages: number;
}

const NOTHING: RoomResult = { recorded: 0, pages: 0 };

/**
 * A full run (at start-up, after an outage): every portal room once. While one is under
 * way, transactions are held until their rooms are caught up (see `beforeTransaction`).
 */
interface Epoch {
  reason: 'start' | 'reconnect';
  startedAt: number;
  rooms: Map<string, Promise<RoomResult>>;
  recorded: number;
  pages: number;
}

/**
 * Matrix-side catch-up (finding F2): the homeserver can drop events it had queued for the
 * appservice when it stops (element-hq/synapse#11637), and transactions never show the gap.
 *
 * The homeserver refuses `/sync` (and `/events`) to an appservice's own user, so the bridge
 * bot keeps a position per portal room instead (a `/messages` token up to which every event
 * is in the inbox, in the core key/value store) and checks rooms by paging
 * `/messages?dir=f` from that position to the present (`roomGap`), handing what is missing
 * to the intake page by page and moving the position after each recorded page; the inbox
 * de-duplicates by event id. A check is never cut short by a time bound: a failing one is
 * retried with back-off until it succeeds. Every portal room is checked
 * at start-up and on the first success after the homeserver was unreachable (a probe every
 * `probeIntervalMs` notices it going away); a few rooms at a time every `intervalMs`. A room
 * seen for the first time only has its position taken: history is not replayed.
 *
 * Order: during a full run, a transaction waits (however long that takes) until the rooms
 * it touches are caught up, so that events the homeserver dropped enter the inbox before the
 * newer ones it sends once it is back. Outside full runs a dropped event is still found (the
 * walk never stops at an event a live transaction recorded), only later than newer ones.
 */
export class MatrixCatchUp {
  private readonly s: CatchUpSettings;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private epoch: Epoch | undefined = newEpoch('start');
  private nextPeriodicAt = 0;
  private periodicCursor = 0;
  private unreachable = false;
  private failing = false;
  private wake: (() => void) | undefined;
  private readonly positions = new Map<string, string>();
  private readonly positionTried = new Map<string, number>();
  /** Per room, the check in progress: checks of one room never overlap. */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Back-off waits of held transactions, ended early by `stop`. */
  private readonly pauses = new Set<() => void>();

  constructor(
    private readonly deps: CatchUpDeps,
    settings: Partial<CatchUpSettings> = {},
  ) {
    this.s = { ...CATCH_UP_DEFAULTS, ...settings };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop; waits briefly for room checks in flight (they stop between requests). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const end of [...this.pauses]) end();
    const inFlight = Promise.allSettled([...this.locks.values()]);
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
      timer.unref();
    });
    await Promise.race([inFlight, cap]);
    clearTimeout(timer);
  }

  /**
   * Called before a transaction is recorded. Normally returns at once; during a full run
   * (start-up, after an outage) it first waits until the portal rooms the transaction
   * touches are caught up, so events the homeserver dropped are recorded before newer ones.
   * A failing check is retried with back-off for as long as it takes (the homeserver sends
   * nothing else meanwhile and, should it time out, sends the transaction again). Throws
   * only when the bridge stops first: the transaction is then not acknowledged.
   */
  async beforeTransaction(events: MatrixEvent[]): Promise<void> {
    if (this.stopped || !this.loop) return;
    const rooms = [...new Set(events.map((e) => e.room_id))].filter((r) =>
      this.deps.isPortalRoom(r),
    );
    if (rooms.length === 0) return;
    if (!this.epoch) {
      this.positionUnknownRooms(rooms);
      return;
    }
    this.wake?.(); // the homeserver is sending again: no need to wait out a back-off
    await Promise.all(rooms.map((roomId) => this.caughtUpInRun(roomId)));
  }

  /** Resolves once the room's check in the current full run succeeded (or no run is left). */
  private async caughtUpInRun(roomId: string): Promise<void> {
    for (let failures = 0; ;) {
      if (this.stopped) throw new CatchUpStoppedError();
      const epoch = this.epoch;
      if (!epoch) return;
      try {
        await this.epochRoom(epoch, roomId);
        return;
      } catch (err) {
        if (this.stopped) throw new CatchUpStoppedError();
        failures++;
        const delayMs = backoffMs(failures, this.s.retryInitialMs, this.s.retryMaxMs);
        const fields = { roomId, err: describe(err), failures, retryInMs: delayMs };
        const what =
          'Matrix catch-up of a transaction’s room failed; the transaction waits, retrying';
        if (failures === 1) this.deps.log.warn(fields, what);
        else this.deps.log.debug(fields, what);
        await this.pause(delayMs);
      }
    }
  }

  /** Waits `ms`, or less if the bridge stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.pauses.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      timer.unref();
      this.pauses.add(end);
    });
  }

  /**
   * Portal rooms without a position (the bot could not read them at its last look, or the
   * portal is new) get one in the background as soon as they carry traffic, so that an
   * outage can be caught up there too. At most one try per room per `intervalMs`.
   */
  private positionUnknownRooms(rooms: string[]): void {
    const now = Date.now();
    for (const roomId of rooms) {
      const known = this.positions.get(roomId);
      if (known !== undefined && known !== '') continue;
      if ((this.positionTried.get(roomId) ?? 0) > now - this.s.intervalMs) continue;
      this.positionTried.set(roomId, now);
      this.checkRoom(roomId).catch((err: unknown) => {
        this.deps.log.debug({ roomId, err: describe(err) }, 'Matrix catch-up: no room position');
      });
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const epoch = this.epoch;
        if (epoch) await this.fullRun(epoch);
        else if (Date.now() >= this.nextPeriodicAt) await this.periodicRun();
        else {
          await this.probe();
          await this.sleep(Math.min(this.s.probeIntervalMs, this.nextPeriodicAt - Date.now()));
        }
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.failed(err);
        await this.sleep(backoffMs(failures, this.s.retryInitialMs, this.s.retryMaxMs));
      }
    }
  }

  private failed(err: unknown): void {
    const { log } = this.deps;
    if (isUnreachable(err)) {
      if (!this.unreachable) {
        log.warn(
          { err: describe(err) },
          'homeserver unreachable; portal rooms will be caught up when it answers again',
        );
      } else {
        log.debug({ err: describe(err) }, 'homeserver still unreachable');
      }
      // Whatever it had queued for us may be gone: every room is checked again, also those
      // checked since an earlier failure (it may have gone away since).
      this.epoch = newEpoch(this.epoch?.reason ?? 'reconnect', this.epoch?.startedAt);
      this.unreachable = true;
      return;
    }
    if (this.failing) log.debug({ err: describe(err) }, 'Matrix catch-up failed again');
    else log.warn({ err: describe(err) }, 'Matrix catch-up failed; retrying');
    this.failing = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      this.wake = done;
    });
  }

  /** Fails only if the homeserver is away: any answer, even an error, means it is there. */
  private async probe(): Promise<void> {
    try {
      await this.deps
        .client()
        .doRequest('GET', '/_matrix/client/versions', null, null, this.s.probeTimeoutMs);
    } catch (err) {
      if (isUnreachable(err)) throw err;
    }
  }

  /** Every portal room, those already caught up for a transaction excepted. */
  private async fullRun(epoch: Epoch): Promise<void> {
    await this.eachRoom(this.deps.portalRooms(), (roomId) => this.epochRoom(epoch, roomId));
    if (this.stopped || this.epoch !== epoch) return;
    this.epoch = undefined;
    this.deps.log.info(
      {
        reason: epoch.reason,
        rooms: epoch.rooms.size,
        recorded: epoch.recorded,
        pages: epoch.pages,
        ms: Date.now() - epoch.startedAt,
      },
      'Matrix catch-up done',
    );
    this.succeeded();
  }

  private async periodicRun(): Promise<void> {
    const all = this.deps.portalRooms();
    const n = Math.min(all.length, this.s.roomsPerPeriodicRun);
    const rooms = Array.from({ length: n }, (_, k) => all[(this.periodicCursor + k) % all.length]);
    const total = { recorded: 0, pages: 0 };
    await this.eachRoom(rooms as string[], async (roomId) => {
      const r = await this.checkRoom(roomId);
      total.recorded += r.recorded;
      total.pages += r.pages;
    });
    if (this.stopped) return;
    this.periodicCursor = all.length > 0 ? (this.periodicCursor + n) % all.length : 0;
    const fields = { reason: 'periodic', rooms: n, ...total };
    if (total.recorded > 0) this.deps.log.info(fields, 'Matrix catch-up done');
    else this.deps.log.debug(fields, 'Matrix catch-up done');
    this.succeeded();
  }

  private succeeded(): void {
    if (this.unreachable) this.deps.log.info('homeserver reachable again');
    this.unreachable = false;
    this.failing = false;
    this.nextPeriodicAt = Date.now() + this.s.intervalMs;
  }

  /** Runs `check` over `rooms`, `concurrency` at a time; the first failure fails the run. */
  private async eachRoom(rooms: string[], check: (roomId: string) => Promise<unknown>) {
    let next = 0;
    let failure: { err: unknown } | undefined;
    const lane = async (): Promise<void> => {
      while (!this.stopped && !failure && next < rooms.length) {
        const roomId = rooms[next++] as string;
        await check(roomId).catch((err: unknown) => {
          failure ??= { err };
        });
      }
    };
    await Promise.all(Array.from({ length: this.s.concurrency }, lane));
    if (failure && !this.stopped) throw failure.err;
  }

  /** The room's check in this full run, started once (by the run or by a transaction). */
  private epochRoom(epoch: Epoch, roomId: string): Promise<RoomResult> {
    let check = epoch.rooms.get(roomId);
    if (!check) {
      check = this.checkRoom(roomId).then(
        (r) => {
          epoch.recorded += r.recorded;
          epoch.pages += r.pages;
          return r;
        },
        (err: unknown) => {
          epoch.rooms.delete(roomId); // tried again by the run
          throw err;
        },
      );
      epoch.rooms.set(roomId, check);
    }
    return check;
  }

  /**
   * One room: what it got since its position, handed to the intake, then the new position.
   * Throws when the homeserver is away or the bridge's storage fails; a room the bot cannot
   * read is skipped.
   */
  private checkRoom(roomId: string): Promise<RoomResult> {
    const previous = this.locks.get(roomId) ?? Promise.resolve();
    const check = previous
      .catch(() => undefined)
      .then(() => {
        if (this.stopped) throw new CatchUpStoppedError();
        return this.checkRoomNow(roomId);
      });
    this.locks.set(roomId, check);
    void check
      .finally(() => {
        if (this.locks.get(roomId) === check) this.locks.delete(roomId);
      })
      .catch(() => undefined);
    return check;
  }

  private async checkRoomNow(roomId: string): Promise<RoomResult> {
    const since = await this.position(roomId);
    const client = this.deps.client();
    try {
      if (since === undefined) {
        const position = await roomPosition(client, roomId, this.s.requestTimeoutMs);
        if (position && !this.stopped) await this.setPosition(roomId, position);
        return { recorded: 0, pages: 1 };
      }
      return await this.walkRoom(client, roomId, since);
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
  private async walkRoom(
    client: MatrixRequester,
    roomId: string,
    since: string,
  ): Promise<RoomResult> {
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
      stopped: () => this.stopped,
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

function newEpoch(reason: Epoch['reason'], startedAt = Date.now()): Epoch {
  return { reason, startedAt, rooms: new Map(), recorded: 0, pages: 0 };
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
