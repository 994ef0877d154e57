import type { ErasureReport } from './erasure.js';

/** An erasure report as lines for people (admin-room reply; the CLI prints the same). */
export function erasureReportLines(r: {
  pseudonym: string;
  counts: Record<string, number>;
}): string[] {
  return [
    `Erased. From now on the audit log calls this person ${r.pseudonym}. What was erased:`,
    ...Object.entries(r.counts).map(([what, n]) => `  ${what}: ${n}`),
  ];
}

export const erasureReportText = (r: ErasureReport): string => erasureReportLines(r).join('\n');
