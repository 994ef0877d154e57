/**
 * Counting what arrived against what was sent, per room and direction: exactly once and in
 * order is `delivered === sent` with nothing duplicated, lost or reordered.
 */
export interface Tally {
  sent: number;
  delivered: number;
  duplicated: number;
  lost: number;
  reordered: number;
}

/** The texts behind a tally's non-zero counts, for failure messages. */
export interface TallyDetail {
  missing: string[];
  duplicates: string[];
  /** Sent positions in arrival order, when something arrived out of order (to see what moved). */
  arrival?: number[];
}

/** Length of the longest strictly increasing subsequence (patience sorting). */
function longestIncreasing(values: number[]): number {
  const tails: number[] = [];
  for (const v of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tails[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
  }
  return tails.length;
}

/**
 * `received` in arrival order (may hold other texts, which are ignored). Duplicated counts
 * extra copies; reordered is how many delivered messages would have to move to restore the
 * sent order (delivered minus the longest run already in order).
 */
export function tally(sent: string[], received: string[]): Tally {
  return tallyWithDetail(sent, received).tally;
}

export function tallyWithDetail(
  sent: string[],
  received: string[],
): { tally: Tally; detail: TallyDetail } {
  const position = new Map(sent.map((s, i) => [s, i]));
  const seen = new Set<string>();
  const order: number[] = [];
  const duplicates: string[] = [];
  for (const r of received) {
    const i = position.get(r);
    if (i === undefined) continue;
    if (seen.has(r)) {
      duplicates.push(r);
      continue;
    }
    seen.add(r);
    order.push(i);
  }
  const delivered = seen.size;
  const reordered = delivered - longestIncreasing(order);
  return {
    tally: {
      sent: sent.length,
      delivered,
      duplicated: duplicates.length,
      lost: sent.length - delivered,
      reordered,
    },
    detail: {
      missing: sent.filter((s) => !seen.has(s)),
      duplicates,
      ...(reordered > 0 ? { arrival: order } : {}),
    },
  };
}

export function addTallies(a: Tally, b: Tally): Tally {
  return {
    sent: a.sent + b.sent,
    delivered: a.delivered + b.delivered,
    duplicated: a.duplicated + b.duplicated,
    lost: a.lost + b.lost,
    reordered: a.reordered + b.reordered,
  };
}

export const EMPTY_TALLY: Tally = { sent: 0, delivered: 0, duplicated: 0, lost: 0, reordered: 0 };
