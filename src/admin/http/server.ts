import { bridgeVersion } from '../../util/package-version.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RawRoutes } from '../../matrix/durable-appservice.js';
import { errorLogLevel } from '../../util/error-registry.js';
import { errorMessage } from '../../util/errors.js';
import { RefusalLog } from '../../util/refusal-log.js';
import { AdminError, asAdminError } from '../errors.js';
import type { AdminOperations } from '../operations.js';
import { API_PREFIX, type ApiRoute } from './api-routes.js';
import { pathOf, type Authenticator } from './auth.js';
import type { RateLimiter } from './rate-limit.js';
import { sendError, sendJson, sendText } from './respond.js';

/** Something else served on the listener: console files, health, metrics. */
export interface ExtraRoute {
  matches(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

interface Matched {
  route: ApiRoute;
  params: Record<string, string>;
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith('{')) {
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

/**
 * The bridge's administration HTTP surface on the appservice listener, served before express
 * (whose JSON parser and own /health would get in the way): the provisioning API under
 * `/_bridge/admin/v1`, plus the extra routes (console, /health, /ready, /metrics).
 */
export class AdminHttp implements RawRoutes {
  constructor(
    private readonly routes: ApiRoute[],
    private readonly extras: ExtraRoute[],
    private readonly ops: AdminOperations,
    private readonly auth: Authenticator,
    private readonly limiter: RateLimiter,
    private readonly apiEnabled: boolean,
    private readonly log: Logger,
    private readonly refusals = new RefusalLog(log),
  ) {}

  matches(url: string | undefined): boolean {
    const path = (url ?? '/').split('?')[0] as string;
    return (
      (this.apiEnabled && (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`))) ||
      this.extras.some((e) => e.matches(path))
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    const extra = this.extras.find((e) => e.matches(url.pathname));
    try {
      if (extra) await extra.handle(req, res, url.pathname);
      else await this.api(req, res, url);
    } catch (err) {
      const answer = asAdminError(err) ?? new AdminError('INTERNAL', 'internal error');
      // Each code at its registry level: refusals at debug, unexpected failures at error.
      this.log[errorLogLevel(answer)](
        { path: url.pathname, code: answer.code, err: errorMessage(err) },
        'admin request failed',
      );
      if (!res.headersSent) sendError(res, answer);
      else res.destroy();
    }
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    const wait = this.limiter.take(client);
    if (wait > 0) {
      this.refusals.note('provisioning', 'rate_limited', client);
      throw new AdminError(
        'RATE_LIMITED',
        `too many requests; retry in ${Math.ceil(wait / 1000)} s`,
        {
          retryAfterMs: wait,
        },
      );
    }
    const sub = url.pathname.slice(API_PREFIX.length) || '/';
    const candidates = this.routes
      .map((route) => ({ route, params: matchTemplate(route.path, sub) }))
      .filter((m): m is Matched => m.params !== undefined);
    if (candidates.length === 0) {
      throw new AdminError(
        'NOT_FOUND',
        `no such API route: ${req.method ?? 'GET'} ${url.pathname}`,
      );
    }
    const matched = candidates.find((m) => m.route.method === req.method);
    if (!matched) {
      const allowed = candidates.map((m) => m.route.method).join(', ');
      res.setHeader('allow', allowed);
      throw new AdminError(
        'METHOD_NOT_ALLOWED',
        `${req.method ?? ''} is not allowed here (allowed: ${allowed})`,
      );
    }
    const { route, params } = matched;
    let actor;
    try {
      actor = route.auth
        ? this.auth.authenticate(req, url.searchParams, client)
        : { viaSecret: false, path: pathOf(req), client };
    } catch (err) {
      if (
        err instanceof AdminError &&
        (err.code === 'UNAUTHENTICATED' || err.code === 'BAD_TOKEN')
      ) {
        this.refusals.note('provisioning', err.code.toLowerCase(), client);
        await this.ops.writeAudit({
          actor: 'anonymous',
          path: pathOf(req),
          action: route.action,
          outcome: 'unauthenticated',
          detail: err.message,
          client,
        });
      }
      throw err;
    }
    try {
      const reply = await route.handle({ req, actor, params, query: url.searchParams, client });
      sendJson(res, reply.status, reply.body);
    } catch (err) {
      if (route.action === 'sign_in' && err instanceof AdminError && err.code === 'BAD_TOKEN') {
        await this.ops.writeAudit({
          actor: 'anonymous',
          path: actor.path,
          action: 'sign_in',
          outcome: 'unauthenticated',
          detail: err.message,
          client,
        });
      }
      throw err;
    }
  }
}

/** `GET /health`: the process is alive and serving, and which release it runs. */
export const healthRoute: ExtraRoute = {
  matches: (path) => path === '/health',
  handle: async (_req, res) => sendJson(res, 200, { status: 'ok', version: bridgeVersion() }),
};

export { sendText };
