/**
 * "Does not blow up on hostile input" without a wall-clock budget: the hostile input is
 * timed against a harmless input of the same size, in the same process at the same moment,
 * so a loaded machine slows both alike. Quadratic or backtracking work on the inputs these
 * tests use is thousands of times slower than linear work; `factor` only has to sit far
 * below that and far above the noise. Absolute speed is measured by `npm run bench`.
 */
import { performance } from 'node:perf_hooks';

/** Fastest of `runs` timings of `fn`, in ms (the fastest is the least disturbed by load). */
function fastest(fn: () => unknown, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export interface ScalingCheck {
  hostileMs: number;
  baselineMs: number;
  /** hostileMs is within factor × baselineMs (plus `slackMs` for timer granularity). */
  ok: boolean;
}

/** Times `hostile` against `baseline` (same input size) and says whether it stayed comparable. */
export function comparedWith(
  hostile: () => unknown,
  baseline: () => unknown,
  opts: { factor?: number; slackMs?: number; runs?: number } = {},
): ScalingCheck {
  const runs = opts.runs ?? 3;
  const baselineMs = fastest(baseline, runs);
  const hostileMs = fastest(hostile, runs);
  const ok = hostileMs <= (opts.factor ?? 50) * baselineMs + (opts.slackMs ?? 50);
  return { hostileMs, baselineMs, ok };
}
