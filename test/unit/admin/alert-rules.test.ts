import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { families, freshMetrics, scrape } from './metrics-fixture.js';
import { promtool, seriesNamed } from './promtool.js';

const DIR = fileURLToPath(new URL('../../../docs/prometheus/', import.meta.url));
const RULES = `${DIR}alerts.yaml`;
const TESTS = `${DIR}alerts.test.yaml`;

interface RuleFile {
  groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
}
interface RuleTests {
  tests: Array<{
    input_series: Array<{ series: string }>;
    alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
  }>;
}

const rules = (parse(readFileSync(RULES, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
const ruleTests = (parse(readFileSync(TESTS, 'utf8')) as RuleTests).tests;

describe('the example alert rules in docs/prometheus', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool(DIR, 'check', 'rules', RULES);
    expect(output).toContain('SUCCESS');
    expect(status, output).toBe(0);
  });

  it('pass their promtool unit tests', () => {
    const { status, output } = promtool(DIR, 'test', 'rules', TESTS);
    expect(status, output).toBe(0);
  });

  it('use only series the bridge exports, in the rules and in their tests', async () => {
    const exported = families(await scrape(freshMetrics()));
    const used = [
      ...rules.flatMap((r) => seriesNamed(r.expr)),
      ...ruleTests.flatMap((t) => t.input_series.flatMap((s) => seriesNamed(s.series))),
    ];
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(exported.has(name), name).toBe(true);
  });

  it('expect every alert to fire in a test, and several to stay silent', () => {
    for (const { alert } of rules) {
      const cases = ruleTests
        .flatMap((t) => t.alert_rule_test)
        .filter((c) => c.alertname === alert);
      expect(
        cases.some((c) => c.exp_alerts.length > 0),
        `${alert} is never expected to fire`,
      ).toBe(true);
    }
    const silent = ruleTests
      .flatMap((t) => t.alert_rule_test)
      .filter((c) => c.exp_alerts.length === 0);
    expect(silent.length).toBeGreaterThanOrEqual(5);
  });
});
