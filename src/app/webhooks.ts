import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  MAX_WEBHOOK_BODY_BYTES,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResponse,
} from '../connector/contract.js';
import { readBoundedBody } from '../util/bounded-body.js';
import { errorMessage } from '../util/errors.js';
import { RefusalLog } from '../util/refusal-log.js';

export const WEBHOOK_PREFIX = '/_bridge/webhooks/';

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
    private readonly refusals = new RefusalLog(log),
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
    const body = await readBoundedBody(req, res, MAX_WEBHOOK_BODY_BYTES);
    if (!body) return;
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
      const answer = await handler(request);
      // The connector checked the signature or token: a refusal is summarised, not logged each.
      if (answer.status === 401 || answer.status === 403) {
        this.refusals.note(
          `webhooks/${connectorId}`,
          `refused_${answer.status}`,
          request.remoteAddress,
        );
      }
      send(res, answer);
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
