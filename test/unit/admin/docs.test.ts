import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS } from '../../../src/admin/errors.js';
import { apiRoutes } from '../../../src/admin/http/api-routes.js';
import { ACTION_LEVELS } from '../../../src/admin/permissions.js';

const DOCS = readFileSync(
  fileURLToPath(new URL('../../../docs/admin.md', import.meta.url)),
  'utf8',
);
const METRICS = ['metrics.ts', 'metrics-gauges.ts']
  .map((file) =>
    readFileSync(fileURLToPath(new URL(`../../../src/admin/${file}`, import.meta.url)), 'utf8'),
  )
  .join('\n');

describe('docs/admin.md keeps up with the code', () => {
  it('documents every error code with its status and errcode', () => {
    for (const [code, { status, errcode }] of Object.entries(ADMIN_ERRORS)) {
      const row = DOCS.split('\n').find((l) => l.startsWith(`| \`${code}\``));
      expect(row, code).toBeDefined();
      expect(row).toContain(`| ${status} `);
      expect(row).toContain(`\`${errcode}\``);
    }
  });

  it('documents every route', () => {
    const routes = apiRoutes({
      ops: undefined as never,
      auth: undefined as never,
      openid: undefined,
    });
    for (const r of routes) {
      const template = r.path.replace(/\{(\w+)\}/g, '{$1}');
      expect(DOCS, `${r.method} ${r.path}`).toContain(`${r.method} ${template}`);
    }
  });

  it('documents every metric', () => {
    const names = [...METRICS.matchAll(/name: '(bridge_[a-z_]+)'/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(DOCS, name).toContain(`\`${name}\``);
  });

  it('names every permission level', () => {
    for (const level of new Set(Object.values(ACTION_LEVELS))) {
      expect(DOCS).toContain(`| \`${level}\``);
    }
  });
});
