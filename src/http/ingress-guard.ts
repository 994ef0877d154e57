import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { bodyUnread, replyJson } from '../util/json-reply.js';
import type { RefusalLog } from '../util/refusal-log.js';
import { ClientGate, type GateRefusal } from './client-gate.js';
import { routeLabel } from './route-label.js';

/** `appservice.ingress` in the config, in milliseconds and counts. */
export interface IngressSettings {
  maxConnectionsPerClient: number;
  maxUnreadBodiesPerClient: number;
  bodyTimeoutMs: number;
  headerTimeoutMs: number;
  retryAfterS: number;
}

export const DEFAULT_INGRESS: IngressSettings = {
  maxConnectionsPerClient: 32,
  maxUnreadBodiesPerClient: 8,
  bodyTimeoutMs: 15_000,
  headerTimeoutMs: 10_000,
  retryAfterS: 5,
};

const CAP_MESSAGES: Record<GateRefusal, string> = {
  too_many_connections: 'too many open connections from your address',
  too_many_unread_bodies: 'too many requests from your address are still sending their body',
};

/**
 * Caps what one remote address can hold on the listener before it has authenticated: open
 * connections and bodies still arriving. Over a cap the request is answered 429 with
 * Retry-After and `Connection: close` at once, its body unread; a body that has not arrived
 * within `bodyTimeoutMs` is answered 408 and its connection closed. Requests `trusted` says
 * are the homeserver's (the right hs_token, seen in the headers) are never counted or
 * refused, and their connection stops counting: a flood from the homeserver's own address
 * cannot starve it.
 */
export class IngressGuard {
  private readonly gate: ClientGate;
  private readonly trustedSockets = new WeakSet<Socket>();

  constructor(
    private readonly settings: IngressSettings,
    private readonly trusted: (req: IncomingMessage) => boolean,
    private readonly refusals: RefusalLog,
  ) {
    this.gate = new ClientGate({
      maxConnections: settings.maxConnectionsPerClient,
      maxUnreadBodies: settings.maxUnreadBodiesPerClient,
    });
  }

  /** Node's own limits for the listener: headers that trickle are cut off too. */
  serverOptions(): ServerOptions {
    const headersTimeout = this.settings.headerTimeoutMs;
    return {
      headersTimeout,
      requestTimeout: Math.max(300_000, headersTimeout),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, headersTimeout / 4)),
    };
  }

  /** Counts every connection of `server` from its first byte until it closes or proves itself. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      const client = clientOf(socket);
      this.gate.connectionOpened(client);
      socket.once('close', () => {
        if (!this.trustedSockets.has(socket)) this.gate.connectionReleased(client);
      });
    });
  }

  /** False when the request was answered here (refused); the caller then does nothing more. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const client = clientOf(req.socket);
    if (this.trusted(req)) {
      this.trust(req.socket, client);
      return true;
    }
    const hasBody = bodyUnread(req);
    const refusal = this.gate.admit(client, hasBody);
    if (refusal) {
      this.refusals.note(routeLabel(req.url), refusal, client);
      replyJson(
        req,
        res,
        429,
        {
          errcode: 'M_LIMIT_EXCEEDED',
          code: 'CLIENT_OVER_CAP',
          error: `${CAP_MESSAGES[refusal]}; finish or close them and retry after ${this.settings.retryAfterS} s`,
          retry_after_ms: this.settings.retryAfterS * 1000,
        },
        { 'retry-after': String(this.settings.retryAfterS), connection: 'close' },
      );
      return false;
    }
    if (hasBody) this.watchBody(req, res, client);
    return true;
  }

  /** Open unauthenticated connections and unread bodies of an address. */
  load(client: string): { connections: number; bodies: number } {
    return this.gate.load(client);
  }

  private trust(socket: Socket, client: string): void {
    if (this.trustedSockets.has(socket)) return;
    this.trustedSockets.add(socket);
    this.gate.connectionReleased(client);
  }

  /**
   * Holds a body slot until the body has arrived or the connection is gone, and times it out.
   * An answer given before the body is in (a refusal, a 404) does not end the wait: the client
   * could otherwise keep trickling into a kept-alive connection for ever.
   */
  private watchBody(req: IncomingMessage, res: ServerResponse, client: string): void {
    const socket = req.socket;
    const release = (): void => {
      clearTimeout(timer);
      req.off('end', release);
      socket.off('close', release);
      this.gate.bodyReleased(client);
    };
    const timer = setTimeout(() => {
      release();
      // All of it arrived; the handler has just not read it yet.
      if (req.complete) return;
      this.refusals.note(routeLabel(req.url), 'body_timeout', client);
      this.timeOut(req, res);
    }, this.settings.bodyTimeoutMs);
    req.once('end', release);
    socket.once('close', release);
  }

  private timeOut(req: IncomingMessage, res: ServerResponse): void {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    const seconds = this.settings.bodyTimeoutMs / 1000;
    replyJson(
      req,
      res,
      408,
      {
        errcode: 'M_UNKNOWN',
        code: 'BODY_TIMEOUT',
        error: `the request body did not arrive within ${seconds} s; send it in one go`,
      },
      { connection: 'close' },
    );
  }
}

function clientOf(socket: Socket): string {
  return socket.remoteAddress ?? 'unknown';
}
