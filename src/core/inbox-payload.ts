import type { RemoteEvent } from '../connector/events.js';
import type { MatrixEvent } from '../matrix/durable-appservice.js';

/** What an inbox row carries until it is processed. */
export type InboxPayload =
  | { kind: 'matrix'; event: MatrixEvent }
  | { kind: 'remote'; connector: string; event: RemoteEvent };

export const MATRIX_SOURCE = 'matrix';
export const remoteSource = (connector: string): string => `remote:${connector}`;
