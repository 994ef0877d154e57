import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeVersion } from '../../src/util/package-version.js';

const ROOT = new URL('../../', import.meta.url);
const VERSION = (
  JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }
).version;

describe("the bridge's version from its package.json", () => {
  it.each([
    ['the sources', 'src/util/package-version.ts'],
    ['the build', 'dist/src/util/package-version.js'],
    ["another package's folder (skipped by name)", 'node_modules/pino/lib/tools.js'],
  ])('is found from %s', (_where, file) => {
    expect(bridgeVersion(new URL(file, ROOT))).toBe(VERSION);
  });

  it('is "unknown" where no package.json of the bridge is found', () => {
    expect(bridgeVersion('file:///nonexistent/a/b/c.js')).toBe('unknown');
  });
});
