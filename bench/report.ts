/** The benchmark's table and JSON: each figure with its spread, target and verdict. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Machine } from './lib/machine.js';
import { round, spread, type Spread } from './lib/stats.js';
import { renderTable } from './lib/table.js';

export interface Figure {
  id: string;
  what: string;
  unit: string;
  target?: { op: '>=' | '<='; value: number };
  spread: Spread;
  /** Met when the median meets the target (and `extraCheck` holds). */
  met?: boolean;
  note?: string;
}

export function figure(
  id: string,
  what: string,
  unit: string,
  runs: number[],
  target?: Figure['target'],
  extraCheck = true,
  note?: string,
): Figure {
  const s = spread(runs);
  const met = target
    ? extraCheck && (target.op === '>=' ? s.median >= target.value : s.median <= target.value)
    : undefined;
  return { id, what, unit, target, spread: s, met, note };
}

export function renderFigures(figures: Figure[]): string {
  return renderTable(
    ['figure', 'what', 'target', 'min', 'median', 'max', 'stddev', 'runs', 'met'],
    figures.map((f) => [
      f.id,
      f.what,
      f.target ? `${f.target.op} ${f.target.value} ${f.unit}` : `(${f.unit})`,
      round(f.spread.min),
      round(f.spread.median),
      round(f.spread.max),
      round(f.spread.stddev),
      f.spread.runs.length,
      f.met === undefined ? '' : f.met ? 'met' : 'NOT MET',
    ]),
  );
}

export function renderMachine(m: Machine): string {
  return `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB (${m.freeMemoryGiB} free), node ${m.node}, ${m.platform}, load ${m.loadAtStart} at start`;
}

/** Writes the results as JSON, formatted as the repository's Prettier check expects. */
export async function writeResults(path: string, results: unknown): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  let text = `${JSON.stringify(results, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    text = await prettier.format(text, { parser: 'json', filepath: path });
  } catch {
    // Prettier is a dev dependency; without it the plain JSON is still valid.
  }
  writeFileSync(path, text);
}
