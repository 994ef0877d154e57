import { spawnSync } from 'node:child_process';

/** Runs promtool in `cwd`; Debian's `prometheus` package has it (.ci/run installs it). */
export function promtool(
  cwd: string,
  ...args: string[]
): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (run.error) {
    throw new Error(
      `cannot run promtool (${run.error.message}): install it with "apt-get install prometheus"`,
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The bridge's series a PromQL expression or series selector names (histogram parts mapped). */
export function seriesNamed(text: string): string[] {
  const names = text.match(/\b(?:bridge|process|nodejs)_[a-z0-9_]+/g) ?? [];
  return names.map((n) => n.replace(/_(bucket|count|sum)$/, ''));
}
