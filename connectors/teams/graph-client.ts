/**
 * The official Microsoft Graph client, wired for the bridge: tokens from a provider (app-only
 * or a linked user's), its RedirectHandler (file downloads), and a final fetch through the
 * connector's own agent so an extra CA is trusted per client. Graph errors become
 * RemoteApiError with the server's Retry-After. The library's RetryHandler is left out: a
 * 429/503/504 goes back to whoever retries with the toolkit's back-off (the core for a
 * delivery, the workspace for a catch-up), not retried underneath them.
 */
import {
  AuthenticationHandler,
  Client,
  GraphError,
  RedirectHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { parseRetryAfter, RemoteApiError } from '../../src/connector/index.js';
import { ReadPacingHandler, type GraphReadPacing } from './graph-pacing.js';
import type { Fetch } from './http.js';

/** Network-level retries of a read (a pooled connection the server closed as it was reused). */
const READ_NETWORK_RETRIES = 2;

class FetchHandler implements Middleware {
  constructor(private readonly doFetch: Fetch) {}

  async execute(context: Context): Promise<void> {
    const req = context.request;
    const url = typeof req === 'string' ? req : req.url;
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const reads = method === 'GET' || method === 'HEAD' ? READ_NETWORK_RETRIES : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.doFetch(url, context.options as never);
        context.response = res as unknown as Response;
        return;
      } catch (err) {
        // Writes are not repeated here: whether they reached Graph is unknown (the core decides).
        if (attempt >= reads) throw err;
      }
    }
  }
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphUrl: string;
  doFetch: Fetch;
  token: () => Promise<string>;
  /** Paces this client's reads (a shared pacer, so every client of one key waits together). */
  reads?: GraphReadPacing;
}

export function createGraphClient(o: GraphClientOptions): Client {
  const url = new URL(o.graphUrl);
  const version = url.pathname.replace(/^\/|\/$/g, '') || 'v1.0';
  const auth = new AuthenticationHandler({ getAccessToken: o.token });
  const redirect = new RedirectHandler();
  if (o.reads) {
    const pacing = new ReadPacingHandler(o.reads);
    auth.setNext(pacing);
    pacing.setNext(redirect);
  } else auth.setNext(redirect);
  redirect.setNext(new FetchHandler(o.doFetch));
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${url.origin}/`,
    defaultVersion: version,
    // The client attaches tokens only to Graph's own hosts and these (https only).
    customHosts: new Set([url.hostname]),
  });
}

/** Graph failure → RemoteApiError with status, code and Retry-After; anything else as unreachable. */
export function graphFailure(err: unknown, what: string): RemoteApiError {
  if (err instanceof RemoteApiError) return err;
  if (err instanceof GraphError && err.statusCode > 0) {
    const status = err.statusCode;
    const retryable = status === 429 || status >= 500;
    return new RemoteApiError({
      message: `Microsoft Graph answered ${status} for ${what} (${err.code ?? 'error'}: ${String(err.message).slice(0, 200)})`,
      status,
      retryable,
      retryAfterMs: parseRetryAfter(err.headers?.get('retry-after')),
      code: status === 401 || status === 403 ? 'TEAMS_GRAPH_FORBIDDEN' : undefined,
      cause: err,
    });
  }
  return new RemoteApiError({
    message: `Microsoft Graph is unreachable for ${what}: ${(err as Error).message}`,
    retryable: true,
    cause: err,
  });
}
