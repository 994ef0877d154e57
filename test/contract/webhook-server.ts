import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookRouter } from '../../src/app/webhooks.js';
import { silentLogger } from '../../src/util/logger.js';

export interface WebhookServer {
  router: WebhookRouter;
  /** Base URL of the bridge's listener, e.g. http://127.0.0.1:P */
  url: string;
  close(): Promise<void>;
}

/** The bridge's webhook routing on a loopback port, as BridgeApp mounts it. */
export async function startWebhookServer(): Promise<WebhookServer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const router = new WebhookRouter(url, silentLogger());
  server.on('request', (req, res) => {
    if (router.matches(req.url)) void router.handle(req, res);
    else res.writeHead(404).end();
  });
  return {
    router,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
