import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  MAX_WEBHOOK_BODY_BYTES,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResponse,
} from '../connector/contract.js';
import { errorMessage } from '../util/errors.js';

export const WEBHOOK_PREFIX = '/_bridge/webhooks/';

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: WebhookResponse): void {
  const headers: Record<string, string> = { ...r.headers };
  let body: string | Buffer | undefined;
  if (r.body === undefined || typeof r.body === 'string' || Buffer.isBuffer(r.body)) {
    body = r.body;
  } else {
    body = JSON.stringify(r.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

/**
 * Routes `/_bridge/webhooks/{connector}/…` to the connector that registered it, with the
 * raw body (bounded) so the connector can verify the platform's signature over it.
 */
export class WebhookRouter {
  private readonly handlers = new Map<string, WebhookHandler>();

  constructor(
    private readonly publicUrl: string,
    private readonly log: Logger,
  ) {}

  register(connectorId: string, handler: WebhookHandler): string {
    this.handlers.set(connectorId, handler);
    return `${this.publicUrl.replace(/\/$/, '')}${WEBHOOK_PREFIX}${connectorId}`;
  }

  matches(url: string | undefined): boolean {
    return url?.startsWith(WEBHOOK_PREFIX) ?? false;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    const rest = url.pathname.slice(WEBHOOK_PREFIX.length);
    const slash = rest.indexOf('/');
    const connectorId = slash === -1 ? rest : rest.slice(0, slash);
    const handler = this.handlers.get(connectorId);
    if (!handler) {
      send(res, { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'no such webhook' } });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        send(res, {
          status: 413,
          headers: { connection: 'close' },
          body: { errcode: 'M_TOO_LARGE', error: `body over ${MAX_WEBHOOK_BODY_BYTES} bytes` },
        });
      }
      return;
    }
    const request: WebhookRequest = {
      method: req.method ?? 'GET',
      path: slash === -1 ? '/' : rest.slice(slash),
      query: url.searchParams,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
      ),
      body,
      remoteAddress: req.socket.remoteAddress,
    };
    try {
      send(res, await handler(request));
    } catch (err) {
      this.log.error(
        { connector: connectorId, path: request.path, err: errorMessage(err) },
        'webhook handler failed',
      );
      if (!res.headersSent) {
        send(res, { status: 500, body: { errcode: 'M_UNKNOWN', error: 'internal error' } });
      }
    }
  }
}
