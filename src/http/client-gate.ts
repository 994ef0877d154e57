/** What one remote address may hold at once before it has proven who it is. */
export interface ClientCaps {
  /** Open connections that have not carried an authenticated request. */
  maxConnections: number;
  /** Requests whose body is still arriving, before any signature or token over it is checked. */
  maxUnreadBodies: number;
}

export type GateRefusal = 'too_many_connections' | 'too_many_unread_bodies';

/**
 * Per-address accounting of unauthenticated work on the listener. Counts only what is open
 * (an address with nothing open has no entry), so the table is bounded by open sockets.
 */
export class ClientGate {
  private readonly connections = new Map<string, number>();
  private readonly bodies = new Map<string, number>();

  constructor(private readonly caps: ClientCaps) {}

  connectionOpened(client: string): void {
    bump(this.connections, client, 1);
  }

  /** A connection closed, or proved itself (it stops counting then, once). */
  connectionReleased(client: string): void {
    bump(this.connections, client, -1);
  }

  /**
   * Whether a new unauthenticated request from `client` may be served, and if it announces a
   * body, reserves a body slot (give it back with `bodyReleased`).
   */
  admit(client: string, hasBody: boolean): GateRefusal | undefined {
    if ((this.connections.get(client) ?? 0) > this.caps.maxConnections) {
      return 'too_many_connections';
    }
    if (!hasBody) return undefined;
    if ((this.bodies.get(client) ?? 0) >= this.caps.maxUnreadBodies) {
      return 'too_many_unread_bodies';
    }
    bump(this.bodies, client, 1);
    return undefined;
  }

  bodyReleased(client: string): void {
    bump(this.bodies, client, -1);
  }

  /** Open unauthenticated connections and unread bodies of `client` (for tests and metrics). */
  load(client: string): { connections: number; bodies: number } {
    return {
      connections: this.connections.get(client) ?? 0,
      bodies: this.bodies.get(client) ?? 0,
    };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
