import type { SimAuth } from './auth.js';
import type { HttpsFront } from './http.js';
import type { SlidingWindows } from './limits.js';
import type { SimState } from './state.js';

/** What every route module shares. */
export interface Sim {
  state: SimState;
  auth: SimAuth;
  front: HttpsFront;
  /** https://127.0.0.1:PORT */
  baseUrl(): string;
  /** The serviceUrl put on activities (Bot Connector base, with a trailing slash). */
  serviceUrl(): string;
  /** Bot Connector sends per bot per conversation. */
  connectorRate: SlidingWindows;
  /** Graph requests per app (or user) per tenant, split by read and write. */
  graphReadRate: SlidingWindows;
  graphWriteRate: SlidingWindows;
  /** Largest Bot Connector activity body accepted (bytes). */
  maxActivityBytes: number;
}
