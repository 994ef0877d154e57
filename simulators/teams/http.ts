/**
 * The simulator's https front: one loopback origin serving the login service, the Bot
 * Framework OpenID metadata, the Bot Connector service and Microsoft Graph, with failure
 * injection and a request log. Handlers get the raw body and decoded path parameters.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FailureInjector } from './limits.js';

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: SimRequest) => Promise<SimResponse> | SimResponse;

export interface LogEntry {
  method: string;
  path: string;
  status: number;
}

/** Which service's error envelope a path answers with. */
export type Family = 'graph' | 'connector' | 'login' | 'other';

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const MAX_BODY = 300 * 1024 * 1024;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Graph's error envelope: `{error:{code,message,innerError:{date,request-id,client-request-id}}}`. */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  const id = randomUUID();
  return {
    status,
    headers: { 'request-id': id, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': id,
          'client-request-id': id,
        },
      },
    },
  };
}

export function familyOf(path: string): Family {
  if (path.startsWith('/v1.0/') || path.startsWith('/beta/')) return 'graph';
  if (/^\/[a-z]+\/v3\//.test(path)) return 'connector';
  if (/\/oauth2\/v2\.0\//.test(path)) return 'login';
  return 'other';
}

function errorResponse(
  family: Family,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  if (family === 'graph') return graphError(status, code, message, headers);
  if (family === 'login')
    return { status, headers, body: { error: code, error_description: message } };
  return { status, headers, body: { error: { code, message } } };
}

export class HttpsFront {
  readonly server: Server;
  readonly failures = new FailureInjector();
  readonly log: LogEntry[] = [];
  private readonly routes: Route[] = [];

  constructor(tls: { cert: string; key: string }) {
    this.server = createServer(
      { cert: tls.cert, key: tls.key },
      (req, res) => void this.serve(req, res),
    );
  }

  /** `template` uses `{name}` for one path segment and `{name*}` for the rest of the path. */
  route(method: string, template: string, handler: Handler): void {
    const source = template
      .replace(/[.$]/g, (c) => `\\${c}`)
      .replace(/\{(\w+)\*\}/g, '(?<$1>.+)')
      .replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), handler });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const family = familyOf(path);
    let response: SimResponse;
    try {
      const body = await readBody(req);
      const injected = this.failures.take(`${method} ${path}`);
      if (injected) {
        const headers: Record<string, string> =
          injected.retryAfterSec !== undefined
            ? { 'Retry-After': String(injected.retryAfterSec) }
            : {};
        response = errorResponse(
          family,
          injected.status,
          injected.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
          'injected failure',
          headers,
        );
      } else {
        response = await this.dispatch(method, path, url.searchParams, req.headers, body, family);
      }
    } catch (err) {
      if (err instanceof ApiError)
        response = errorResponse(family, err.status, err.code, err.message, err.headers);
      else response = errorResponse(family, 500, 'InternalServerError', (err as Error).message);
    }
    this.log.push({ method, path, status: response.status });
    send(res, response);
  }

  private async dispatch(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingMessage['headers'],
    body: Buffer,
    family: Family,
  ): Promise<SimResponse> {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return r.handler({ method, path, params, query, headers, body });
    }
    if (pathMatched)
      return errorResponse(family, 405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
    return errorResponse(
      family,
      404,
      family === 'graph' ? 'UnknownError' : 'NotFound',
      `no resource at ${path}`,
    );
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  let body: Buffer | string | undefined;
  if (r.body === undefined) body = undefined;
  else if (Buffer.isBuffer(r.body) || typeof r.body === 'string') body = r.body;
  else {
    body = JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Parses a JSON body or answers 400 in the family's envelope. */
export function jsonBody<T = Record<string, unknown>>(req: SimRequest): T {
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v as T;
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not a JSON object');
  }
}
