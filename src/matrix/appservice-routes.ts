import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readBoundedBody } from '../util/bounded-body.js';
import { errorMessage } from '../util/errors.js';
import { replyJson } from '../util/json-reply.js';
import { RefusalLog } from '../util/refusal-log.js';
import type { RawRoutes } from './raw-routes.js';
import { hasHomeserverToken } from './hs-token.js';
import { headerProblem, parseTransaction } from './transaction-body.js';

/** What the bridge does with what the homeserver sends, once authenticated and well-formed. */
export interface AppserviceHandlers {
  /** A transaction with an `events` array: the answer to give (status and JSON body). */
  transaction(txnId: string, events: unknown[]): Promise<{ status: number; body: unknown }>;
  /** A user or alias query: resolves when the entity exists, rejects otherwise. */
  query(kind: 'user' | 'alias', id: string): Promise<void>;
}

type Kind = 'transaction' | 'user' | 'alias' | 'legacy';

const ROUTES: Array<{ path: RegExp; method: string; kind: Kind }> = [
  { path: /^\/_matrix\/app\/v1\/transactions\/([^/]+)$/i, method: 'PUT', kind: 'transaction' },
  { path: /^\/_matrix\/app\/v1\/users\/([^/]+)$/i, method: 'GET', kind: 'user' },
  { path: /^\/_matrix\/app\/v1\/rooms\/([^/]+)$/i, method: 'GET', kind: 'alias' },
  { path: /^\/transactions\/[^/]+$/i, method: 'PUT', kind: 'legacy' },
  { path: /^\/(?:users|rooms)\/[^/]+$/i, method: 'GET', kind: 'legacy' },
];
const API_PREFIX = /^\/_matrix\/app\//i;

/**
 * Path (without a trailing slash) and query of a request target, origin-form or absolute-form,
 * read as loosely as express reads it, so that no form of these paths reaches express.
 */
function target(url = '/'): { path: string; search: string } {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q))
    .replace(/^[a-z][a-z0-9+.-]*:(?:\/\/[^/]*)?/i, '')
    .replace(/(.)\/$/, '$1');
  return { path, search: q === -1 ? '' : url.slice(q) };
}

const unrecognized = (error: string) => ({ errcode: 'M_UNRECOGNIZED', error });

/**
 * The homeserver → appservice API as a raw route, ahead of express and its JSON parser: the
 * token is checked before any byte of a body is read, and a transaction body is read only up to
 * `maxBodyBytes` (413 at once for a larger declared length, and when a chunked body outgrows it).
 */
export class AppserviceRoutes implements RawRoutes {
  constructor(
    private readonly hsToken: string,
    private readonly handlers: AppserviceHandlers,
    private readonly maxBodyBytes: number,
    private readonly log: Logger,
    private readonly refusals = new RefusalLog(log),
  ) {}

  matches(url: string | undefined): boolean {
    const { path } = target(url);
    return API_PREFIX.test(path) || ROUTES.some((r) => r.path.test(path));
  }

  /** Whether the headers alone show the homeserver: this API, with the right hs_token. */
  fromHomeserver(req: IncomingMessage): boolean {
    if (!this.matches(req.url)) return false;
    const { search } = target(req.url);
    return hasHomeserverToken(req, new URLSearchParams(search), this.hsToken);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.serve(req, res);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'appservice request failed');
      replyJson(req, res, 500, { errcode: 'M_UNKNOWN', error: 'internal error' });
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, search } = target(req.url);
    const route = ROUTES.find((r) => r.path.test(path));
    if (!route) return replyJson(req, res, 404, unrecognized('unknown endpoint'));
    if (req.method !== route.method) {
      return replyJson(req, res, 405, unrecognized('method not allowed'), { allow: route.method });
    }
    if (route.kind === 'legacy') {
      // As the library did: pre-v1 paths are redirected; nothing is read or processed.
      return replyJson(
        req,
        res,
        308,
        { errcode: 'M_UNKNOWN', error: 'This non-standard endpoint has been removed' },
        {
          location: `/_matrix/app/v1${path}${search}`.replace(/[^\x21-\x7e]/g, encodeURIComponent),
        },
      );
    }
    if (!hasHomeserverToken(req, new URLSearchParams(search), this.hsToken)) {
      this.refusals.note('appservice', 'wrong_hs_token', req.socket.remoteAddress);
      return replyJson(req, res, 403, { errcode: 'M_FORBIDDEN', error: 'bad hs_token' });
    }
    let id: string;
    try {
      id = decodeURIComponent(route.path.exec(path)?.[1] ?? '');
    } catch {
      return replyJson(req, res, 400, {
        errcode: 'M_INVALID_PARAM',
        error: 'bad percent-encoding',
      });
    }
    if (route.kind === 'transaction') return this.transaction(req, res, id);
    try {
      await this.handlers.query(route.kind, id);
      replyJson(req, res, 200, {});
    } catch (err) {
      const e = err as { status?: unknown; errcode?: unknown };
      replyJson(req, res, typeof e.status === 'number' ? e.status : 500, {
        errcode: typeof e.errcode === 'string' ? e.errcode : 'M_UNKNOWN',
        error: errorMessage(err),
      });
    }
  }

  private async transaction(req: IncomingMessage, res: ServerResponse, txnId: string) {
    const problem = headerProblem(req);
    if (problem) {
      return replyJson(req, res, problem.status, {
        errcode: problem.errcode,
        error: problem.error,
      });
    }
    const raw = await readBoundedBody(req, res, this.maxBodyBytes);
    if (!raw) return;
    const parsed = parseTransaction(raw);
    if (!('events' in parsed)) {
      return replyJson(req, res, parsed.status, { errcode: parsed.errcode, error: parsed.error });
    }
    const answer = await this.handlers.transaction(txnId, parsed.events);
    replyJson(req, res, answer.status, answer.body);
  }
}
