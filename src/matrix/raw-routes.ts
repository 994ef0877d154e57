import type { IncomingMessage, ServerResponse } from 'node:http';

/** Requests served before express (and its JSON body parser) see them, e.g. signed webhooks. */
export interface RawRoutes {
  matches(url: string | undefined): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
