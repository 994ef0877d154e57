import { createServer, type Server } from 'node:http';
import type { Application, NextFunction, Request, Response } from 'express';
import { AppService } from 'matrix-appservice-bridge';
import type { Logger } from 'pino';
import { DEFAULT_INGRESS, IngressGuard, type IngressSettings } from '../http/ingress-guard.js';
import { errorMessage } from '../util/errors.js';
import { setBaselineHeaders } from '../util/security-headers.js';
import { bodyUnread, replyJson } from '../util/json-reply.js';
import { RefusalLog } from '../util/refusal-log.js';
import { AppserviceRoutes } from './appservice-routes.js';
import type { RawRoutes } from './raw-routes.js';

export type { RawRoutes } from './raw-routes.js';

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
  /** Set by the library's Bridge on listen(); the default stubs answer through `callback`. */
  onUserQuery(userId: string, callback: () => void): PromiseLike<unknown> | null;
  onAliasQuery(alias: string, callback: () => void): PromiseLike<unknown> | null;
  listen(port: number, hostname: string, backlog: number): Promise<void>;
  close(): Promise<void>;
}

// The library declares its route handlers (onTransaction, onGetUsers, onGetRoomAlias)
// private; its constructor binds them, so overriding them replaces its express routes.
const AppServiceClass = AppService as unknown as new (config: {
  homeserverToken: string;
  httpMaxSizeBytes?: number;
}) => AppServiceBase;

/**
 * The appservice HTTP endpoint, with two changes from the library's. A transaction is
 * answered 200 only after `handler` has durably recorded its events: if recording fails the
 * homeserver gets a 500 and retries the transaction later, so nothing is lost, and replays
 * are harmless because the handler de-duplicates by event id. And the appservice API is
 * served as a raw route (`AppserviceRoutes`), not by the library's express routes: the
 * hs_token is checked before any body is read, and bodies are read only up to 10 MiB.
 */
export class DurableAppService extends AppServiceClass {
  private handler: TransactionHandler | undefined;
  private rawRoutes: RawRoutes | undefined;
  private readonly appserviceRoutes: AppserviceRoutes;
  private readonly guard: IngressGuard;

  constructor(
    opts: { homeserverToken: string; ingress?: IngressSettings; refusals?: RefusalLog },
    private readonly log: Logger,
  ) {
    super({ homeserverToken: opts.homeserverToken, httpMaxSizeBytes: MAX_BODY_BYTES });
    const refusals = opts.refusals ?? new RefusalLog(log);
    this.appserviceRoutes = new AppserviceRoutes(
      opts.homeserverToken,
      {
        transaction: (txnId, events) => this.receive(txnId, events),
        query: (kind, id) => this.query(kind, id),
      },
      MAX_BODY_BYTES,
      log,
      refusals,
    );
    this.guard = new IngressGuard(
      opts.ingress ?? DEFAULT_INGRESS,
      (req) => this.appserviceRoutes.fromHomeserver(req),
      refusals,
    );
    // Body-parser failures (malformed JSON, too large) on the remaining express routes
    // become Matrix-style errors.
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

  /** Unauthenticated connections and unread bodies an address holds on the listener now. */
  clientLoad(client: string): { connections: number; bodies: number } {
    return this.guard.load(client);
  }

  /**
   * The library's listen(), with raw routes in front of express: the appservice API (token
   * first, bounded body), then `setRawRoutes`' (webhook signatures are computed over the
   * exact body bytes, which the library's global JSON parser would consume). Every request
   * passes the ingress guard first (per-client caps on unauthenticated work).
   */
  override listen(port: number, hostname: string, backlog: number): Promise<void> {
    const server = createServer(this.guard.serverOptions(), (req, res) => {
      // Every answer, whoever writes it (raw route, express, the library), is nosniff and
      // under a CSP; routes that serve documents or images set their own.
      setBaselineHeaders(res);
      if (!this.guard.admit(req, res)) return;
      const raw = [this.appserviceRoutes, this.rawRoutes].find((r) => r?.matches(req.url));
      if (raw) {
        void raw.handle(req, res);
        return;
      }
      // Express serves only GETs (avatars, /health), yet its JSON parser would read any body
      // of up to 10 MiB from anyone first: refuse bodies there unread.
      if (bodyUnread(req)) {
        replyJson(req, res, 404, {
          errcode: 'M_UNRECOGNIZED',
          error: 'no endpoint here takes a request body',
        });
        return;
      }
      this.expressApp(req, res);
    });
    // The library's close() stops the server it finds here.
    (this as unknown as { server: Server }).server = server;
    this.guard.attach(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, backlog, () => resolve());
    });
  }

  /**
   * The library's express routes for the appservice API (its constructor binds these). The
   * raw routes answer every form of those paths first; should one slip through, nothing is
   * processed.
   */
  onTransaction(_req: Request, res: Response): void {
    notServedHere(res);
  }

  onGetUsers(_req: Request, res: Response): void {
    notServedHere(res);
  }

  onGetRoomAlias(_req: Request, res: Response): void {
    notServedHere(res);
  }

  /** Library type for Bridge.listen(); the instance is a real AppService at runtime. */
  asAppService(): AppService {
    return this as unknown as AppService;
  }

  /** An authenticated transaction with an `events` array: record it, then acknowledge. */
  private async receive(
    txnId: string,
    events: unknown[],
  ): Promise<{ status: number; body: unknown }> {
    const roomEvents = events.filter(isRoomEvent);
    if (roomEvents.length !== events.length) {
      this.log.debug(
        { dropped: events.length - roomEvents.length },
        'ignoring malformed events in transaction',
      );
    }
    if (!this.handler) {
      return { status: 503, body: { errcode: 'M_UNKNOWN', error: 'bridge is starting' } };
    }
    try {
      await this.handler(roomEvents);
      return { status: 200, body: {} };
    } catch (err) {
      this.log.error(
        { err: errorMessage(err), txnId },
        'could not record transaction; homeserver will retry',
      );
      return {
        status: 500,
        body: { errcode: 'M_UNKNOWN', error: 'could not record the transaction, retry later' },
      };
    }
  }

  /** A user or alias query, through the callbacks the library's Bridge installs. */
  private query(kind: 'user' | 'alias', id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const answered =
        kind === 'user' ? this.onUserQuery(id, resolve) : this.onAliasQuery(id, resolve);
      if (answered) Promise.resolve(answered).then(() => resolve(), reject);
    });
  }
}

function notServedHere(res: Response): void {
  res.status(404).json({ errcode: 'M_UNRECOGNIZED', error: 'unknown endpoint' });
}
