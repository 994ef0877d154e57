import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { families, freshMetrics, scrape } from './metrics-fixture.js';

const DOCS = readFileSync(
  fileURLToPath(new URL('../../../docs/admin.md', import.meta.url)),
  'utf8',
);
const PACKAGE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
) as { version: string };

/** The names in the metrics table of docs/admin.md. */
function documentedNames(): string[] {
  const section = DOCS.slice(DOCS.indexOf('## Health, readiness and metrics'));
  const table = section.slice(0, section.indexOf('\n## '));
  return [...table.matchAll(/^\| `([a-z0-9_]+)` /gm)].map((m) => m[1]!);
}

describe('the metrics registry follows the Prometheus conventions', () => {
  it('exports no gauge ending in _total and only counters do', async () => {
    const types = families(await scrape(freshMetrics()));
    expect(types.size).toBeGreaterThan(20);
    for (const [name, type] of types) {
      expect(name.endsWith('_total'), `${name} is a ${type}`).toBe(type === 'counter');
    }
  });

  it('uses one prefix per family: bridge_, process_ or nodejs_, never doubled', async () => {
    for (const name of families(await scrape(freshMetrics())).keys()) {
      expect(name).toMatch(/^(bridge|process|nodejs)_/);
      expect(name, name).not.toMatch(/^(bridge|process|nodejs)_(bridge|process|nodejs)_/);
    }
  });

  it('exports the standard Node.js names', async () => {
    const body = await scrape(freshMetrics());
    expect(body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(body).toMatch(/^process_start_time_seconds \d/m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('names the bridge and Node.js versions and the start time', async () => {
    const before = Date.now() / 1000;
    const body = await scrape(freshMetrics());
    expect(body).toContain(
      `bridge_build_info{version="${PACKAGE.version}",node="${process.versions.node}"} 1`,
    );
    const start = Number(/^bridge_start_time_seconds (\S+)$/m.exec(body)?.[1]);
    expect(start).toBeGreaterThanOrEqual(Math.floor(before));
    expect(start).toBeLessThanOrEqual(Date.now() / 1000 + 1);
  });
});

describe('failure and queue series exist at 0 before any traffic', () => {
  const sides = ['matrix', 'mattermost', 'slack'];
  const sources = ['matrix', 'remote:mattermost', 'remote:slack'];
  const zeroSeries = [
    ...sides.flatMap((side) => [
      `bridge_events_total{side="${side}",direction="in"} 0`,
      `bridge_events_total{side="${side}",direction="out"} 0`,
      `bridge_delivery_failures_total{side="${side}",retryable="true"} 0`,
      `bridge_delivery_failures_total{side="${side}",retryable="false"} 0`,
      `bridge_delivery_duration_seconds_count{side="${side}"} 0`,
      `bridge_delivery_duration_seconds_bucket{le="+Inf",side="${side}"} 0`,
    ]),
    ...sources.flatMap((source) => [
      `bridge_dead_letters_total{source="${source}"} 0`,
      `bridge_inbox_pending{source="${source}"} 0`,
    ]),
    'bridge_portal_links{connector="mattermost"} 0',
    'bridge_portal_links{connector="slack"} 0',
    ...[
      ['mattermost', 'agency-a'],
      ['mattermost', 'agency-b'],
      ['slack', 'team'],
    ].flatMap(([connector, workspace]) =>
      ['connecting', 'connected', 'retrying', 'bad_credentials', 'stopped'].map(
        (status) =>
          `bridge_connection_state{connector="${connector}",workspace="${workspace}",status="${status}"} 0`,
      ),
    ),
  ];

  it.each(zeroSeries)('%s', async (series) => {
    const lines = (await scrape(freshMetrics())).split('\n');
    expect(lines).toContain(series);
  });

  it('keeps a source at 0 beside one that has items waiting', async () => {
    const body = await scrape(freshMetrics([{ source: 'remote:slack', count: 4 }]));
    expect(body).toContain('bridge_inbox_pending{source="remote:slack"} 4');
    expect(body).toContain('bridge_inbox_pending{source="matrix"} 0');
  });

  it('counts from the zeroed series once traffic arrives', async () => {
    const metrics = freshMetrics();
    metrics.deliveryFailed('slack', true);
    metrics.deadLettered('remote:mattermost');
    const body = await scrape(metrics);
    expect(body).toContain('bridge_delivery_failures_total{side="slack",retryable="true"} 1');
    expect(body).toContain('bridge_delivery_failures_total{side="slack",retryable="false"} 0');
    expect(body).toContain('bridge_dead_letters_total{source="remote:mattermost"} 1');
  });
});

describe('the metrics table in docs/admin.md', () => {
  /** Exported only on Linux by the Node.js library; the table says so. */
  const linuxOnly = (name: string): boolean =>
    DOCS.split('\n').some((l) => l.startsWith(`| \`${name}\``) && l.includes('(Linux only)'));

  it('lists every exported metric', async () => {
    const documented = new Set(documentedNames());
    for (const name of families(await scrape(freshMetrics())).keys()) {
      expect(documented.has(name), `${name} is exported but not in the table`).toBe(true);
    }
  });

  it('names only metrics the bridge exports, with their type', async () => {
    const types = families(await scrape(freshMetrics()));
    const documented = documentedNames();
    expect(documented.length).toBeGreaterThan(20);
    for (const name of documented) {
      if (!types.has(name) && process.platform !== 'linux' && linuxOnly(name)) continue;
      const row = DOCS.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      expect(types.has(name), `${name} is in the table but not exported`).toBe(true);
      expect(row, name).toMatch(new RegExp(`^\\| \`${name}\`\\s+\\| ${types.get(name)}\\s`));
    }
  });

  it('mentions no other bridge_ metric anywhere in the docs', async () => {
    const types = families(await scrape(freshMetrics()));
    const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
    const texts = readdirSync(docsDir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => readFileSync(`${docsDir}${f}`, 'utf8'));
    for (const text of texts) {
      for (const m of text.matchAll(/`(bridge_[a-z0-9_]+?)(?:_bucket|_count|_sum)?[`{]/g)) {
        expect(types.has(m[1]!), m[1]).toBe(true);
      }
    }
  });
});
