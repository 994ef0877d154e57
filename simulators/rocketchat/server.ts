import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Ctx, type Reply, type Route, type Sim } from './context.js';
import {
  RcError,
  failure,
  notFound,
  serverError,
  tooManyRequests,
  unauthorized,
} from './errors.js';
import { FailureInjector, type FailureSpec } from './failures.js';
import { RateLimiter, type RateLimitConfig } from './ratelimit.js';
import { chatRoutes } from './routes/chat.js';
import { historyRoutes } from './routes/history.js';
import { fileReply, mediaRoutes } from './routes/media.js';
import { roomRoutes } from './routes/rooms.js';
import { avatarReply, userRoutes } from './routes/users.js';
import type { UserRecord } from './state.js';

const API_PREFIX = '/api/v1/';
const MAX_JSON_BODY = 1024 * 1024;
const MAX_LOG = 100_000;
const ROUTES: Route[] = [
  ...chatRoutes,
  ...historyRoutes,
  ...roomRoutes,
  ...userRoutes,
  ...mediaRoutes,
];

export interface LogEntry {
  method: string;
  /** `/api/v1/<route template>` or the raw path for other routes. */
  path: string;
  status: number;
}

interface Match {
  route: Route;
  params: Record<string, string>;
}

function match(method: string, rel: string): Match | null | undefined {
  const parts = rel.split('/');
  let pathExists = false;
  for (const route of ROUTES) {
    const segs = route.path.split('/');
    if (segs.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = segs.every((s, i) => {
      if (s.startsWith(':')) {
        params[s.slice(1)] = decodeURIComponent(parts[i] ?? '');
        return (parts[i] ?? '') !== '';
      }
      return s === parts[i];
    });
    if (!ok) continue;
    pathExists = true;
    if (route.method === method) return { route, params };
  }
  return pathExists ? null : undefined;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  const m = new RegExp(`(?:^|;\\s*)${name}=([^;]*)`).exec(req.headers.cookie ?? '');
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** node:http plumbing: injected failure → rate limit → auth → body → handler → envelope. */
export class HttpFrontend {
  readonly server: Server;
  readonly failures = new FailureInjector();
  readonly log: LogEntry[] = [];
  private limiter: RateLimiter | null = null;

  constructor(
    private readonly sim: Sim,
    private readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  setRateLimit(config: RateLimitConfig | false): void {
    this.limiter = config ? new RateLimiter(config) : null;
  }

  private record(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  private send(res: ServerResponse, reply: Reply, headers: Record<string, string>): void {
    if (reply.kind === 'json') {
      const buf = Buffer.from(JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        ...headers,
        'Content-Type': 'application/json',
        'Content-Length': buf.length,
      });
      res.end(buf);
    } else {
      res.writeHead(reply.status, {
        ...headers,
        ...reply.headers,
        'Content-Length': reply.body.length,
      });
      res.end(reply.body);
    }
  }

  private credentials(req: IncomingMessage, url: URL): UserRecord | undefined | null {
    const id = req.headers['x-user-id'] ?? cookie(req, 'rc_uid') ?? url.searchParams.get('rc_uid');
    const token =
      req.headers['x-auth-token'] ?? cookie(req, 'rc_token') ?? url.searchParams.get('rc_token');
    if (typeof id !== 'string' || typeof token !== 'string' || !id || !token) return null;
    return this.sim.state.userForCredentials(id, token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const finish = (path: string, status: number): void => this.record({ method, path, status });

    const avatar = /^\/avatar\/([^/]+)$/.exec(url.pathname);
    if (avatar && method === 'GET') {
      const reply = avatarReply(this.sim.state, decodeURIComponent(avatar[1]!));
      this.send(res, reply, {});
      return finish('/avatar/:username', reply.status);
    }
    const file = /^\/file-upload\/([^/]+)\/[^/]*$/.exec(url.pathname);
    if (file && method === 'GET') {
      const reply = fileReply(this.sim.state, this.credentials(req, url) ?? undefined, file[1]!);
      this.send(res, reply, {});
      return finish('/file-upload/:id/:name', reply.status);
    }
    if (!url.pathname.startsWith(API_PREFIX)) {
      this.send(
        res,
        {
          kind: 'bytes',
          status: 404,
          body: Buffer.from('Not found'),
          headers: { 'Content-Type': 'text/plain' },
        },
        {},
      );
      return finish(url.pathname, 404);
    }
    const rel = url.pathname.slice(API_PREFIX.length);
    const found = match(method, rel);
    const logPath = found ? API_PREFIX + found.route.path : url.pathname;
    const headers: Record<string, string> = {};
    let reply: Reply;
    try {
      reply = await this.dispatch(req, url, method, found, headers);
    } catch (e) {
      const err = e instanceof RcError ? e : failure(e instanceof Error ? e.message : String(e));
      reply = { kind: 'json', status: err.status, body: err.body };
    }
    this.send(res, reply, headers);
    finish(logPath, reply.status);
  }

  private async dispatch(
    req: IncomingMessage,
    url: URL,
    method: string,
    found: Match | null | undefined,
    headers: Record<string, string>,
  ): Promise<Reply> {
    const injected = this.failures.take(url.pathname);
    if (injected) return this.injected(injected, headers);
    if (!found) throw notFound(`API endpoint "${url.pathname}" does not exist.`);
    const { route, params } = found;
    const viewer = this.credentials(req, url);
    if ((route.auth ?? true) && !viewer) throw unauthorized();
    if (this.limiter && (route.rateLimited ?? true)) {
      const r = this.limiter.take(`${viewer?._id ?? req.socket.remoteAddress}:${route.path}`);
      Object.assign(headers, r.headers);
      if (!r.allowed)
        throw tooManyRequests(Math.max(1, Math.ceil((r.resetAt - Date.now()) / 1000)));
    }
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams.entries());
    let body: Record<string, unknown> = {};
    if (method === 'POST' && !route.multipart) body = await this.readJson(req);
    const ctx = new Ctx(this.sim, req, params, query, body, viewer ?? null);
    return route.handler(ctx);
  }

  private injected(f: FailureSpec, headers: Record<string, string>): Reply {
    if (f.status !== 429) throw serverError(f.status);
    const wait = f.retryAfterMs ?? 1000;
    Object.assign(headers, {
      'X-RateLimit-Limit': '1',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Date.now() + wait),
      'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))),
    });
    throw tooManyRequests(Math.max(1, Math.ceil(wait / 1000)));
  }

  private readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_JSON_BODY) chunks.push(c);
      });
      req.on('error', reject);
      req.on('end', () => {
        if (size > MAX_JSON_BODY) return reject(failure('Request entity too large'));
        const text = Buffer.concat(chunks).toString('utf8').trim();
        if (text === '') return resolve({});
        try {
          const parsed = JSON.parse(text) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            return reject(failure('Invalid body'));
          }
          resolve(parsed as Record<string, unknown>);
        } catch {
          reject(failure('Unexpected token in JSON body', 'error-invalid-json'));
        }
      });
    });
  }
}
