/**
 * What a provisioning API route is: how it is served and how it is documented, declared once
 * in the route table so the OpenAPI document cannot drift from what the bridge serves.
 */
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../actor.js';
import type { AdminOperations } from '../operations.js';
import type { Authenticator } from './auth.js';
import type { OpenIdVerifier } from './openid.js';

export const API_PREFIX = '/_bridge/admin/v1';

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

/** The OpenAPI operation of a route, apart from what the route itself says (id, security). */
export interface OperationDoc {
  summary: string;
  description?: string;
  /** OpenAPI parameter objects, path parameters included. */
  parameters?: readonly object[];
  requestBody?: object;
  /** OpenAPI response objects (or `$ref`s) by status code. */
  responses: Record<string, object>;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below API_PREFIX, with `{param}` segments, as in the OpenAPI document. */
  path: string;
  /** Name in the audit log and the OpenAPI operationId. */
  action: string;
  /** false: no Authorization needed (sign-in, the document itself). */
  auth: boolean;
  doc: OperationDoc;
  handle(ctx: ApiContext): Promise<ApiReply>;
}

export interface ApiServices {
  ops: AdminOperations;
  auth: Authenticator;
  /** Undefined when OpenID sign-in is turned off. */
  openid: OpenIdVerifier | undefined;
}

export const ok = (body: unknown, status = 200): ApiReply => ({ status, body });
