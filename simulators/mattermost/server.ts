import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, internalError, notFound, sessionExpired } from './errors.js';
import { FailureInjector, type FailureSpec } from './failures.js';
import { newId } from './ids.js';
import { RateLimiter } from './ratelimit.js';
import { Router, validateParams } from './router.js';
import { allRoutes } from './routes/index.js';
import type { WebSocketHub } from './websocket.js';
import { Ctx, type Reply, type Sim } from './context.js';

const API_PREFIX = '/api/v4';
const WS_PATH = '/api/v4/websocket';
const MAX_LOG = 100_000;

export interface LogEntry {
  method: string;
  path: string;
  status: number;
}

/** `Authorization: Bearer <token>` (or `Token <token>`), as ParseAuthTokenFromRequest reads it. */
export function tokenFrom(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const m = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
  return m ? (m[1] as string) : null;
}

/** node:http plumbing: rate limit → injected failure → route → auth → handler → answer. */
export class HttpFrontend {
  readonly server: Server;
  readonly failures = new FailureInjector();
  readonly log: LogEntry[] = [];
  private limiter: RateLimiter | null = null;
  private readonly router = new Router(allRoutes);

  constructor(
    private readonly sim: Sim,
    private readonly hub: WebSocketHub,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  private record(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  setRateLimit(r: { perSecond: number; burst: number } | false): void {
    this.limiter = r ? new RateLimiter(r) : null;
  }

  private baseHeaders(requestId: string): Record<string, string> {
    return { 'X-Request-Id': requestId, 'X-Version-Id': this.sim.config.serverVersion };
  }

  private sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    const buf = Buffer.from(JSON.stringify(body));
    // Exactly `application/json`: Client4 parses nothing else as JSON.
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': buf.length,
    });
    res.end(buf);
  }

  private sendFailure(
    res: ServerResponse,
    f: FailureSpec,
    headers: Record<string, string>,
    requestId: string,
  ): void {
    if (f.status === 429) {
      const retry = String(f.retryAfterSec ?? 1);
      const body = 'limit exceeded\n';
      res.writeHead(429, {
        ...headers,
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'X-RateLimit-Limit': headers['X-RateLimit-Limit'] ?? '1',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': retry,
        'Retry-After': retry,
      });
      res.end(body);
      return;
    }
    const err = new AppError(
      f.status,
      'api.simulator.injected_failure.app_error',
      f.status === 503 ? 'Service unavailable.' : 'Internal server error.',
    );
    this.sendJson(res, f.status, err.toJSON(requestId), headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newId();
    const headers = this.baseHeaders(requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const rel = url.pathname.startsWith(API_PREFIX + '/')
      ? url.pathname.slice(API_PREFIX.length)
      : null;
    const match = rel === null ? undefined : this.router.match(method, rel);
    const logPath = match ? API_PREFIX + match.route.path : url.pathname;
    const finish = (status: number): void => this.record({ method, path: logPath, status });
    const token = tokenFrom(req);

    if (this.limiter) {
      const key = token ?? `ip:${req.socket.remoteAddress ?? ''}`;
      const r = this.limiter.take(key);
      Object.assign(headers, r.headers);
      if (!r.allowed) {
        res.writeHead(429, {
          ...headers,
          'Content-Type': 'text/plain; charset=utf-8',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end('limit exceeded\n');
        return finish(429);
      }
    }
    const failure = this.failures.take(url.pathname);
    if (failure) {
      this.sendFailure(res, failure, headers, requestId);
      return finish(failure.status);
    }
    let status: number;
    try {
      if (match === undefined) throw notFound.route(url.pathname);
      if (match === null)
        throw new AppError(
          405,
          'api.context.method_not_allowed.app_error',
          `Method ${method} is not allowed for ${url.pathname}.`,
        );
      const viewer = token ? this.sim.state.userForToken(token) : undefined;
      if (token && !viewer) throw sessionExpired();
      if (!viewer && !match.route.anonymous) throw sessionExpired();
      validateParams(match.params, viewer?.profile.id);
      const ctx = new Ctx(this.sim, req, match.params, url.searchParams, viewer ?? null);
      const reply: Reply = await match.route.handler(ctx);
      status = reply.status;
      if (reply.kind === 'json') {
        this.sendJson(res, reply.status, reply.body, headers);
      } else {
        res.writeHead(reply.status, {
          ...headers,
          ...reply.headers,
          'Content-Length': reply.body.length,
        });
        res.end(reply.body);
      }
    } catch (e) {
      const err =
        e instanceof AppError ? e : internalError(e instanceof Error ? e.message : String(e));
      status = err.statusCode;
      if (err.statusCode === 413) headers.Connection = 'close';
      this.sendJson(res, err.statusCode, err.toJSON(requestId), headers);
    }
    finish(status);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, body: string, type = 'application/json'): void => {
      this.record({ method: 'GET', path: url.pathname, status });
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (url.pathname !== WS_PATH)
      return refuse(404, JSON.stringify(notFound.route(url.pathname).toJSON()));
    const failure = this.failures.take(url.pathname, true);
    if (failure) {
      const err = new AppError(
        failure.status,
        'api.simulator.injected_failure.app_error',
        'Injected failure.',
      );
      return refuse(failure.status, JSON.stringify(err.toJSON()));
    }
    const token = tokenFrom(req);
    const user = token ? this.sim.state.userForToken(token) : undefined;
    if (token && !user) return refuse(401, JSON.stringify(sessionExpired().toJSON()));
    this.record({ method: 'GET', path: WS_PATH, status: 101 });
    this.hub.upgrade(req, socket, head, user?.profile.id ?? null);
  }
}
