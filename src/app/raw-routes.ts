import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawRoutes } from '../matrix/durable-appservice.js';

/** Several sets of raw routes on the one listener; the first that matches a URL serves it. */
export class RawRouteChain implements RawRoutes {
  constructor(private readonly chain: RawRoutes[]) {}

  matches(url: string | undefined): boolean {
    return this.chain.some((r) => r.matches(url));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const routes = this.chain.find((r) => r.matches(req.url));
    if (routes) await routes.handle(req, res);
  }
}
