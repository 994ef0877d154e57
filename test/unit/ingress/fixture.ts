/** A DurableAppService on an ephemeral port with a probe webhook and a media-like route. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebhookRouter } from '../../../src/app/webhooks.js';
import { DEFAULT_INGRESS, type IngressSettings } from '../../../src/http/ingress-guard.js';
import { DurableAppService } from '../../../src/matrix/durable-appservice.js';
import { MediaProxy } from '../../../src/matrix/media-proxy.js';
import { silentLogger } from '../../../src/util/logger.js';
import { RefusalLog } from '../../../src/util/refusal-log.js';

export const HS_TOKEN = 'hs-token-for-the-ingress-tests-0123456789';
export const GOOD_SIGNATURE = 'good-signature';

export interface Listener {
  service: DurableAppService;
  port: number;
  refusals: RefusalLog;
  close(): Promise<void>;
}

export async function listen(
  ingress: Partial<IngressSettings>,
  log: Logger = silentLogger(),
): Promise<Listener> {
  const refusals = new RefusalLog(log, 60_000);
  const service = new DurableAppService(
    { homeserverToken: HS_TOKEN, ingress: { ...DEFAULT_INGRESS, ...ingress }, refusals },
    log,
  );
  service.setTransactionHandler(() => Promise.resolve());
  const webhooks = new WebhookRouter('http://bridge.invalid', log, refusals);
  // Like a platform's signed webhook: the signature is checked once the body is in.
  webhooks.register('probe', (req) =>
    Promise.resolve(
      req.headers['x-signature'] === GOOD_SIGNATURE
        ? { status: 200, body: { received: req.body.length } }
        : { status: 401, body: { error: 'bad signature' } },
    ),
  );
  service.setRawRoutes(webhooks);
  // Signed avatar URLs: a wrong signature is refused before the homeserver is asked.
  new MediaProxy(
    'http://bridge.invalid',
    'media-secret-0123456789',
    undefined as never,
    log,
    refusals,
  ).register(service.expressApp);
  service.expressApp.get('/_bridge/media/probe', (_req, res) => {
    res.status(200).json({ ok: true });
  });
  await service.listen(0, '127.0.0.1', 511);
  const server = (service as unknown as { server: Server }).server;
  return {
    service,
    port: (server.address() as AddressInfo).port,
    refusals,
    close: async () => {
      server.closeAllConnections();
      await service.close();
    },
  };
}

/** A transaction PUT as the homeserver sends it, with the right token. */
export function homeserverTransaction(txnId: string): string {
  const body = JSON.stringify({ events: [] });
  return (
    `PUT /_matrix/app/v1/transactions/${txnId} HTTP/1.1\r\nhost: bridge\r\n` +
    `authorization: Bearer ${HS_TOKEN}\r\ncontent-type: application/json\r\n` +
    `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`
  );
}
