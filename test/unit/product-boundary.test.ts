// What the product build compiles (src, connectors, migrations) must stand on its own once
// packed: no import may reach a folder that is not shipped (simulators, test, bench, scripts,
// examples), and no runtime import may name a package that `npm install --omit=dev` leaves out.
// test/e2e/package.test.ts proves the same on an installed tarball; this says which line broke.
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const PRODUCT_ROOTS = ['src', 'connectors', 'migrations'];
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

interface ImportSite {
  file: string;
  specifier: string;
  /** Only types are imported: erased by the compiler, so a dev dependency is fine. */
  typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_OR_DYNAMIC = /(?:^\s*import\s*|\bimport\s*\(\s*)['"]([^'"]+)['"]/gm;

function importsOf(file: string): ImportSite[] {
  return importsIn(readFileSync(file, 'utf8'), file);
}

function importsIn(text: string, file: string): ImportSite[] {
  const sites: ImportSite[] = [];
  for (const m of text.matchAll(STATIC)) {
    const names = (m[3] ?? '')
      .replace(/^\{|\}$/g, '')
      .split(',')
      .map((n) => n.trim());
    const allTypes = names.every((n) => n === '' || n.startsWith('type '));
    sites.push({
      file,
      specifier: m[4]!,
      typeOnly: Boolean(m[2]) || (m[3]!.startsWith('{') && allTypes),
    });
  }
  for (const m of text.matchAll(SIDE_EFFECT_OR_DYNAMIC)) {
    sites.push({ file, specifier: m[1]!, typeOnly: false });
  }
  return sites;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const sites = PRODUCT_ROOTS.flatMap((root) => sourceFiles(join(REPO, root))).flatMap(importsOf);

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the import scan', () => {
  it.each([
    ["import { a, b } from 'p';", false],
    ["import a from 'p';", false],
    ["import * as a from 'p';", false],
    ["import a, { type B } from 'p';", false],
    ["import { type A, b } from 'p';", false],
    ["export * from 'p';", false],
    ["export { a } from 'p';", false],
    ["import 'p';", false],
    ["const m = await import('p');", false],
    ["import type { A } from 'p';", true],
    ["import { type A, type B } from 'p';", true],
    ["export type { A } from 'p';", true],
  ])('%s is seen, type-only: %s', (line, typeOnly) => {
    expect(importsIn(line, 'x.ts')).toEqual([{ file: 'x.ts', specifier: 'p', typeOnly }]);
  });
});

describe('the product build stands on its own', () => {
  it('finds the imports it checks', () => {
    expect(sites.length).toBeGreaterThan(500);
    expect(sites.some((s) => s.specifier.startsWith('.'))).toBe(true);
    expect(sites.some((s) => s.typeOnly)).toBe(true);
  });

  it('imports nothing outside src, connectors and migrations', () => {
    const escaping = sites
      .filter((s) => s.specifier.startsWith('.'))
      .map((s) => ({ ...s, target: relative(REPO, resolve(dirname(s.file), s.specifier)) }))
      .filter((s) => !PRODUCT_ROOTS.includes(s.target.split('/')[0]!))
      .map((s) => `${relative(REPO, s.file)} -> ${s.specifier}`);
    expect(escaping).toEqual([]);
  });

  it('imports at run time only production dependencies and Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const missing = sites
      .filter((s) => !s.typeOnly && !s.specifier.startsWith('.'))
      .filter((s) => !s.specifier.startsWith('node:') && !builtins.has(s.specifier))
      .filter((s) => !(packageOf(s.specifier) in pkg.dependencies))
      .map((s) => `${relative(REPO, s.file)} -> ${s.specifier}`);
    expect(missing).toEqual([]);
  });
});
