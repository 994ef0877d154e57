import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidParam, sessionExpired } from './errors.js';
import type { EventSink } from './events.js';
import type { SimState, UserRecord } from './state.js';

export interface SimConfig {
  maxFileSize: number;
  maxJsonBody: number;
  pendingPostIdTtlMs: number;
  serverVersion: string;
  siteUrl: string;
}

/** Everything a route handler can reach. */
export interface Sim {
  state: SimState;
  hub: EventSink;
  config: SimConfig;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'bytes'; status: number; body: Buffer; headers: Record<string, string> };

export const json = (body: unknown, status = 200): Reply => ({ kind: 'json', status, body });
export const statusOk = (): Reply => json({ status: 'OK' });

export class Ctx {
  constructor(
    readonly sim: Sim,
    readonly req: IncomingMessage,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    readonly viewer: UserRecord | null,
  ) {}

  get state(): SimState {
    return this.sim.state;
  }

  /** The authenticated caller (routes that allow anonymous access use `viewer`). */
  get user(): UserRecord {
    if (!this.viewer) throw sessionExpired();
    return this.viewer;
  }

  param(name: string): string {
    return this.params[name] ?? '';
  }

  /** Reads the body; past `limit` it stops keeping data (the rest is drained) and fails with 413. */
  readRaw(limit: number): Promise<Buffer> {
    const declared = Number(this.req.headers['content-length'] ?? '0');
    if (declared > limit) return Promise.reject(bodyTooLarge(limit));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      });
      this.req.on('end', () =>
        size > limit ? reject(bodyTooLarge(limit)) : resolve(Buffer.concat(chunks, size)),
      );
      this.req.on('error', reject);
    });
  }

  /** Parses a JSON body; a body that is not JSON is "Invalid {name} parameter." like the server. */
  async readJson(name: string): Promise<unknown> {
    const raw = await this.readRaw(this.sim.config.maxJsonBody);
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw invalidParam(name);
    }
  }
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under /api/v4 with `{param}` segments, e.g. `/posts/{post_id}`. */
  path: string;
  handler: Handler;
  /** Anonymous callers allowed (a bad token is still refused). */
  anonymous?: boolean;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
