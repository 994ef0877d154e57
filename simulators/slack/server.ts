import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BodyTooLarge, parseArgs, readRaw, uploadBytes } from './body.js';
import { MethodCtx, type Json, type Sim } from './context.js';
import { ApiFailure, fail } from './errors.js';
import { FailureInjector, type FailureSpec } from './limits.js';
import { allMethods, canSee } from './methods/index.js';
import type { TokenRecord } from './state.js';

const MAX_FORM_BYTES = 2 * 1024 * 1024;

export interface RequestLogEntry {
  method: string;
  status: number;
  ok: boolean;
  error?: string;
  tokenKind?: string;
}

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to continue</body></html>';

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** node:http plumbing: `/api/{method}`, upload URLs, private file downloads, avatars, Socket Mode. */
export class HttpFrontend {
  readonly server: Server;
  readonly failures = new FailureInjector();
  readonly log: RequestLogEntry[] = [];

  constructor(
    private readonly sim: Sim,
    private readonly avatars: (hash: string) => Buffer | undefined,
  ) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname.startsWith('/link')) {
        sim.socket.upgrade(req, socket, head);
      } else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const api = /^\/api\/([a-zA-Z.]+)$/.exec(path);
    if (api) return this.apiCall(api[1]!, req, res, url.searchParams);
    const upload = /^\/upload\/v1\/([a-f0-9]+)$/.exec(path);
    if (upload && req.method === 'POST') return this.upload(upload[1]!, req, res);
    const file = /^\/files-pri\/(T[A-Z0-9]+)-(F[A-Z0-9]+)\/(?:download\/)?[^/]+$/.exec(path);
    if (file && req.method === 'GET') return this.download(file[1]!, file[2]!, req, res);
    const avatar = /^\/avatars\/([a-f0-9]+)_\d+\.png$/.exec(path);
    const png = avatar ? this.avatars(avatar[1]!) : undefined;
    if (png) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  }

  private send(res: ServerResponse, status: number, body: Json, headers: Record<string, string>) {
    const buf = Buffer.from(JSON.stringify(body));
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': buf.length,
    });
    res.end(buf);
  }

  private async apiCall(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    let token: TokenRecord | undefined;
    const finish = (status: number, body: Json) => {
      this.log.push({
        method,
        status,
        ok: body.ok === true,
        error: typeof body.error === 'string' ? body.error : undefined,
        tokenKind: token?.kind,
      });
      this.send(res, status, body, headers);
    };
    try {
      const spec = allMethods[method];
      if (!spec) throw fail('unknown_method');
      let raw: Buffer;
      try {
        raw = await readRaw(req, MAX_FORM_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLarge) throw fail('request_too_large');
        throw err;
      }
      const args = parseArgs(req.headers['content-type'], raw, query);
      const injected = this.failures.take(method);
      if (injected && !injected.afterEffect) return this.injected(res, method, injected, finish);
      const secret = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
      if (!secret) throw fail('not_authed');
      token = this.sim.state.tokens.get(secret);
      if (!token || token.revoked) {
        token = undefined;
        throw fail('invalid_auth');
      }
      headers['x-oauth-scopes'] = [...token.scopes].join(',');
      headers['x-accepted-oauth-scopes'] = (spec.scopes ?? []).join(',');
      if (!spec.tokens.includes(token.kind)) throw fail('not_allowed_token_type');
      const wait = this.sim.limits.checkMethod(`${token.teamId}:${secret}`, method, spec.tier);
      if (wait > 0) {
        headers['retry-after'] = String(Math.ceil(wait / 1000));
        return finish(429, { ok: false, error: 'ratelimited' });
      }
      const ctx = new MethodCtx(this.sim, args, token);
      for (const scope of spec.scopes ?? []) ctx.need(scope);
      const result = await spec.handler(ctx);
      if (injected) return this.injected(res, method, injected, finish);
      finish(200, { ok: true, ...result });
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      Object.assign(headers, err.headers);
      finish(err.status, { ok: false, error: err.error, ...err.extra });
    }
  }

  private injected(
    res: ServerResponse,
    method: string,
    f: FailureSpec,
    finish: (status: number, body: Json) => void,
  ): void {
    if (f.error) return finish(200, { ok: false, error: f.error });
    if (f.status === 429) {
      res.setHeader('retry-after', String(f.retryAfterSec ?? 1));
      return finish(429, { ok: false, error: 'ratelimited' });
    }
    this.log.push({ method, status: f.status!, ok: false });
    res.writeHead(f.status!, { 'content-type': 'text/html' });
    res.end(`<html><body>${f.status} Service Unavailable</body></html>`);
  }

  private async upload(key: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fileId = this.sim.state.uploads.get(key);
    const file = fileId ? this.sim.state.files.get(fileId) : undefined;
    if (!file || file.data) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    let data: Buffer;
    try {
      data = await uploadBytes(req, this.sim.config.maxUploadBytes);
    } catch {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('Request Entity Too Large');
      return;
    }
    file.data = data;
    file.size = data.length;
    this.sim.state.uploads.delete(key);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${data.length}`);
  }

  /** `url_private`: needs a token of the workspace with files:read that can see the file. */
  private download(teamId: string, fileId: string, req: IncomingMessage, res: ServerResponse) {
    const secret = bearer(req);
    const token = secret ? this.sim.state.tokens.get(secret) : undefined;
    const file = this.sim.state.files.get(fileId);
    if (!token || token.revoked || token.teamId !== teamId || token.kind === 'app') {
      // Slack answers a request without valid credentials with its sign-in page.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
      return;
    }
    const ctx = new MethodCtx(this.sim, {}, token);
    if (
      !file ||
      !file.data ||
      !file.completed ||
      !token.scopes.has('files:read') ||
      !canSee(ctx, file)
    ) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    res.writeHead(200, {
      'content-type': file.mimetype,
      'content-length': file.data.length,
      'content-disposition': `attachment; filename="${encodeURIComponent(file.name)}"`,
    });
    res.end(file.data);
  }
}
