import type { IncomingMessage } from 'node:http';
import type { Actor } from '../actor.js';
import type { AdminOperations } from '../operations.js';
import type { Authenticator } from './auth.js';
import type { OpenIdVerifier } from './openid.js';

/** The shapes of the provisioning API's routes, shared by the route tables of api-routes.ts and session-routes.ts. */
export interface ApiContext {
  req: IncomingMessage;
  /** Set for routes that need authentication. */
  actor: Actor;
  params: Record<string, string>;
  query: URLSearchParams;
  client: string;
}

export interface ApiReply {
  status: number;
  body: unknown;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below API_PREFIX, with `{param}` segments; must match the OpenAPI document. */
  path: string;
  /** Name in the audit log and the OpenAPI operationId. */
  action: string;
  /** false: no Authorization needed (sign-in, the document itself). */
  auth: boolean;
  handle(ctx: ApiContext): Promise<ApiReply>;
}

export interface ApiServices {
  ops: AdminOperations;
  auth: Authenticator;
  /** Undefined when OpenID sign-in is turned off. */
  openid: OpenIdVerifier | undefined;
  openApi: () => object;
}
