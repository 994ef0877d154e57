import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { families, freshMetrics, scrape } from './metrics-fixture.js';
import { promtool, seriesNamed } from './promtool.js';

interface Panel {
  id: number;
  title: string;
  targets: Array<{ expr: string }>;
}

const DASHBOARD = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../docs/grafana/bridge-dashboard.json', import.meta.url)),
    'utf8',
  ),
) as { panels: Panel[] };
const exprs = DASHBOARD.panels.flatMap((p) => p.targets.map((t) => t.expr));
const work = mkdtempSync(join(tmpdir(), 'bridge-dashboard-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Grafana's variables replaced by what they stand for, so Prometheus can parse the query. */
function asPromQl(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*');
}

describe('the example Grafana dashboard in docs/grafana', () => {
  it('has titled panels with distinct ids, each with a query', () => {
    const ids = DASHBOARD.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of DASHBOARD.panels) {
      expect(p.title, String(p.id)).not.toBe('');
      expect(p.targets.length, p.title).toBeGreaterThan(0);
    }
  });

  it('queries only series the bridge exports', async () => {
    const exported = families(await scrape(freshMetrics()));
    const used = exprs.flatMap(seriesNamed);
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(exported.has(name), name).toBe(true);
  });

  it('has queries Prometheus can parse (checked by promtool as recording rules)', () => {
    const rules = exprs
      .map(
        (e, i) =>
          `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(asPromQl(e))}`,
      )
      .join('\n');
    const file = join(work, 'dashboard-queries.yaml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const { status, output } = promtool(work, 'check', 'rules', file);
    expect(status, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});
