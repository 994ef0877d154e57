import type { RemoteEvent } from '../connector/events.js';
import type { MatrixEvent } from '../matrix/durable-appservice.js';

/** What an inbox row carries until it is processed. */
export type InboxPayload =
  | { kind: 'matrix'; event: MatrixEvent }
  | { kind: 'remote'; connector: string; event: RemoteEvent };

export const MATRIX_SOURCE = 'matrix';
export const remoteSource = (connector: string): string => `remote:${connector}`;

/** Deeper than any real event; PostgreSQL and JSON.stringify fail far below attacker limits. */
const MAX_PAYLOAD_DEPTH = 64;

/**
 * A copy of `value` that PostgreSQL `jsonb` accepts: U+0000 (which it refuses) becomes
 * U+FFFD in every string and key. Undefined when nested deeper than MAX_PAYLOAD_DEPTH: such
 * an event is dropped rather than failing the whole transaction for ever.
 */
export function storable<T>(value: T): T | undefined {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_PAYLOAD_DEPTH) throw new RangeError('payload nested too deeply');
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[walk(k, depth) as string] = walk(x, depth + 1);
    return out;
  };
  try {
    return walk(value, 0) as T;
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}
