/** Small statistics for benchmark figures. */

/** The p-th percentile (0..100) by linear interpolation between closest ranks. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export interface Spread {
  runs: number[];
  min: number;
  median: number;
  max: number;
  stddev: number;
}

/** How repeated runs of one figure spread. */
export function spread(runs: number[]): Spread {
  const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
  const variance = runs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, runs.length - 1);
  return {
    runs,
    min: Math.min(...runs),
    median: percentile(runs, 50),
    max: Math.max(...runs),
    stddev: Math.sqrt(variance),
  };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
