import type { IncomingMessage } from 'node:http';
import type { ValidateFunction } from 'ajv';
import { failure, invalidParams, unauthorized } from './errors.js';
import type { MessageService } from './messages.js';
import type { SimState, UserRecord } from './state.js';
import { validationMessage, type RestValidators } from './validators.js';

export interface Sim {
  state: SimState;
  messages: MessageService;
  validators: RestValidators;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'bytes'; status: number; body: Buffer; headers: Record<string, string> };

/** API.v1.success: the body plus `success: true`. */
export const success = (body: Record<string, unknown> = {}): Reply => ({
  kind: 'json',
  status: 200,
  body: { ...body, success: true },
});

export class Ctx {
  constructor(
    readonly sim: Sim,
    readonly req: IncomingMessage,
    readonly params: Record<string, string>,
    readonly query: Record<string, unknown>,
    readonly body: Record<string, unknown>,
    readonly viewer: UserRecord | null,
  ) {}

  get state(): SimState {
    return this.sim.state;
  }

  get user(): UserRecord {
    if (!this.viewer) throw unauthorized();
    return this.viewer;
  }

  /** Runs one of the server's own validators on the query (GET) or body (POST). */
  validate(v: ValidateFunction<unknown>, data: unknown): void {
    if (!v(data)) throw invalidParams(validationMessage(v));
  }

  str(source: Record<string, unknown>, name: string): string | undefined {
    const v = source[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** A required body/query string, with the server's wording when it is missing. */
  required(source: Record<string, unknown>, name: string): string {
    const v = this.str(source, name);
    if (v === undefined)
      throw failure(`The required "${name}" param is missing.`, 'error-param-required');
    return v;
  }
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST';
  /** Path under /api/v1, with `:param` segments (e.g. `rooms.media/:rid`). */
  path: string;
  handler: Handler;
  /** Default true: X-User-Id + X-Auth-Token required. */
  auth?: boolean;
  /** The body is multipart (not JSON). */
  multipart?: boolean;
  /** Counted by the API rate limiter (default true). */
  rateLimited?: boolean;
}
