import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Application, NextFunction, Request, Response } from 'express';
import { AppService } from 'matrix-appservice-bridge';
import type { Logger } from 'pino';
import { errorMessage } from '../util/errors.js';

/** A room event as the homeserver delivers it, after a shape check. */
export interface MatrixEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  origin_server_ts?: number;
  state_key?: string;
  content: Record<string, unknown>;
  redacts?: string;
  unsigned?: Record<string, unknown>;
}

export type TransactionHandler = (events: MatrixEvent[]) => Promise<void>;

/** Requests served before express (and its JSON body parser) see them, e.g. signed webhooks. */
export interface RawRoutes {
  matches(url: string | undefined): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

function isRoomEvent(e: unknown): e is MatrixEvent {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.event_id === 'string' &&
    typeof o.room_id === 'string' &&
    typeof o.sender === 'string' &&
    typeof o.type === 'string' &&
    typeof o.content === 'object' &&
    o.content !== null
  );
}

/** The public surface of the library's AppService that we rely on. */
interface AppServiceBase {
  readonly expressApp: Application;
  listen(port: number, hostname: string, backlog: number): Promise<void>;
  close(): Promise<void>;
}

// The library declares onTransaction private; overriding it is the supported way to
// change transaction handling (the constructor binds `this.onTransaction`).
const AppServiceClass = AppService as unknown as new (config: {
  homeserverToken: string;
  httpMaxSizeBytes?: number;
}) => AppServiceBase;

function tokenMatches(provided: string | undefined, expected: string): boolean {
  if (provided === undefined) return false;
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The appservice HTTP endpoint, with one change from the library's: a transaction is
 * answered 200 only after `handler` has durably recorded its events. If recording fails
 * the homeserver gets a 500 and retries the transaction later, so nothing is lost.
 * Replays are harmless: the handler de-duplicates by event id.
 */
export class DurableAppService extends AppServiceClass {
  private handler: TransactionHandler | undefined;
  private rawRoutes: RawRoutes | undefined;

  constructor(
    private readonly opts: { homeserverToken: string },
    private readonly log: Logger,
  ) {
    super({ homeserverToken: opts.homeserverToken, httpMaxSizeBytes: MAX_BODY_BYTES });
    // Body-parser failures (malformed JSON, too large) become Matrix-style errors.
    this.expressApp.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      const status = (err as { status?: number }).status ?? 400;
      const errcode = status === 413 ? 'M_TOO_LARGE' : 'M_NOT_JSON';
      res
        .status(status >= 400 && status < 500 ? status : 400)
        .json({ errcode, error: errorMessage(err) });
    });
  }

  setTransactionHandler(handler: TransactionHandler): void {
    this.handler = handler;
  }

  setRawRoutes(routes: RawRoutes): void {
    this.rawRoutes = routes;
  }

  /**
   * The library's listen(), with raw routes in front of express: webhook signatures are
   * computed over the exact body bytes, which the library's global JSON parser would consume.
   */
  override listen(port: number, hostname: string, backlog: number): Promise<void> {
    const server = createServer((req, res) => {
      if (this.rawRoutes?.matches(req.url)) {
        void this.rawRoutes.handle(req, res);
        return;
      }
      this.expressApp(req, res);
    });
    // The library's close() stops the server it finds here.
    (this as unknown as { server: Server }).server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, backlog, () => resolve());
    });
  }

  /** Called by the library's router. */
  onTransaction(req: Request, res: Response): void {
    void this.handleTransaction(req, res);
  }

  /** Library type for Bridge.listen(); the instance is a real AppService at runtime. */
  asAppService(): AppService {
    return this as unknown as AppService;
  }

  private authorised(req: Request): boolean {
    const header = req.headers.authorization;
    const provided = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length)
      : typeof req.query.access_token === 'string'
        ? req.query.access_token
        : undefined;
    return tokenMatches(provided, this.opts.homeserverToken);
  }

  private async handleTransaction(req: Request, res: Response): Promise<void> {
    if (!this.authorised(req)) {
      this.log.warn({ path: req.path }, 'transaction refused: wrong hs_token');
      res.status(403).json({ errcode: 'M_FORBIDDEN', error: 'bad hs_token' });
      return;
    }
    const body: unknown = req.body;
    const events = (body as { events?: unknown } | undefined)?.events;
    if (typeof body !== 'object' || body === null || !Array.isArray(events)) {
      res
        .status(400)
        .json({ errcode: 'M_BAD_JSON', error: 'body must be an object with an "events" array' });
      return;
    }
    const roomEvents = events.filter(isRoomEvent);
    if (roomEvents.length !== events.length) {
      this.log.debug(
        { dropped: events.length - roomEvents.length },
        'ignoring malformed events in transaction',
      );
    }
    if (!this.handler) {
      res.status(503).json({ errcode: 'M_UNKNOWN', error: 'bridge is starting' });
      return;
    }
    try {
      await this.handler(roomEvents);
      res.status(200).json({});
    } catch (err) {
      this.log.error(
        { err: errorMessage(err), txnId: req.params.txnId },
        'could not record transaction; homeserver will retry',
      );
      res
        .status(500)
        .json({ errcode: 'M_UNKNOWN', error: 'could not record the transaction, retry later' });
    }
  }
}
