/**
 * Messages per minute over the last hour, per connection (connector + workspace) and
 * direction, kept in memory for the console's traffic charts. Nothing here survives a
 * restart: it shows what the running process carried, which is what an on-call person asks
 * ("is anything crossing right now?"). Fed where the core records a platform's event
 * (direction `in`, towards Matrix) and where it delivers to a platform (direction `out`).
 */

export type TrafficDirection = 'in' | 'out';

export const TRAFFIC_MINUTES = 60;
const MINUTE_MS = 60_000;

export interface TrafficView {
  /** Messages per minute, oldest first; the last entry is the current minute. */
  in: number[];
  out: number[];
  /** When a message last crossed this connection (ms since the epoch), or null. */
  lastAt: number | null;
}

/** One direction of one connection: a ring of per-minute counts. */
class MinuteRing {
  private readonly counts = new Array<number>(TRAFFIC_MINUTES).fill(0);
  /** The minute (ms / 60 000) the newest slot counts. */
  private newest = 0;

  add(minute: number, count: number): void {
    this.advance(minute);
    if (minute <= this.newest - TRAFFIC_MINUTES) return;
    this.counts[minute % TRAFFIC_MINUTES] = (this.counts[minute % TRAFFIC_MINUTES] ?? 0) + count;
  }

  /** Counts for the hour ending at `minute`, oldest first. */
  window(minute: number): number[] {
    this.advance(minute);
    const out: number[] = [];
    for (let m = minute - TRAFFIC_MINUTES + 1; m <= minute; m += 1) {
      out.push(m > this.newest - TRAFFIC_MINUTES ? (this.counts[m % TRAFFIC_MINUTES] ?? 0) : 0);
    }
    return out;
  }

  /** Clears the slots of minutes that passed without traffic since the newest one. */
  private advance(minute: number): void {
    if (minute <= this.newest) return;
    const gap = Math.min(minute - this.newest, TRAFFIC_MINUTES);
    for (let i = 1; i <= gap; i += 1) this.counts[(this.newest + i) % TRAFFIC_MINUTES] = 0;
    this.newest = minute;
  }
}

interface ConnectionTraffic {
  in: MinuteRing;
  out: MinuteRing;
  lastAt: number | null;
}

export class TrafficCounter {
  private readonly connections = new Map<string, ConnectionTraffic>();

  constructor(private readonly now: () => number = Date.now) {}

  record(connector: string, workspace: string, direction: TrafficDirection, count = 1): void {
    const at = this.now();
    const entry = this.entry(connector, workspace);
    entry[direction].add(Math.floor(at / MINUTE_MS), count);
    entry.lastAt = at;
  }

  view(connector: string, workspace: string): TrafficView {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const entry = this.connections.get(key(connector, workspace));
    if (!entry) {
      const none = new Array<number>(TRAFFIC_MINUTES).fill(0);
      return { in: none, out: [...none], lastAt: null };
    }
    return { in: entry.in.window(minute), out: entry.out.window(minute), lastAt: entry.lastAt };
  }

  private entry(connector: string, workspace: string): ConnectionTraffic {
    const k = key(connector, workspace);
    let entry = this.connections.get(k);
    if (!entry) {
      entry = { in: new MinuteRing(), out: new MinuteRing(), lastAt: null };
      this.connections.set(k, entry);
    }
    return entry;
  }
}

// A workspace name cannot hold a NUL, so the key cannot collide.
const key = (connector: string, workspace: string): string => `${connector}\u0000${workspace}`;

const silent = new TrafficCounter();
let current: TrafficCounter = silent;

/** Installed by the admin module at start (like the telemetry sink); a throw-away one before. */
export function setTrafficCounter(next: TrafficCounter | undefined): void {
  current = next ?? silent;
}

export function traffic(): TrafficCounter {
  return current;
}

/** Connector and workspace of a delivery target `connector/workspace/channel`; none for `matrix`. */
export function connectionOfTarget(
  target: string,
): { connector: string; workspace: string } | undefined {
  const parts = target.split('/');
  if (parts.length < 3 || !parts[0] || parts[1] === undefined) return undefined;
  return { connector: parts[0], workspace: parts[1] };
}
