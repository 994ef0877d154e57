import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_FILES } from '../../../src/admin/http/console-route.js';

const DIR = new URL('../../../src/admin/console/', import.meta.url);

describe('console files', () => {
  it('serves every file of the console folder, and nothing else', () => {
    expect(Object.keys(CONSOLE_FILES).sort()).toEqual(readdirSync(DIR).sort());
  });

  it('serves every module a console script imports (a missing one breaks the page)', () => {
    for (const name of Object.keys(CONSOLE_FILES).filter((n) => n.endsWith('.js'))) {
      const source = readFileSync(new URL(name, DIR), 'utf8');
      for (const [, imported] of source.matchAll(/from '\.\/([^']+)'/g)) {
        expect(CONSOLE_FILES, `${name} imports ${imported}`).toHaveProperty([imported!]);
      }
    }
  });

  it('has no inline script or style the Content-Security-Policy would block', () => {
    const html = readFileSync(new URL('index.html', DIR), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const name of Object.keys(CONSOLE_FILES).filter((n) => n.endsWith('.js'))) {
      const source = readFileSync(new URL(name, DIR), 'utf8');
      expect(source, name).not.toMatch(/\.style\b|innerHTML|outerHTML|insertAdjacentHTML|eval\(/);
    }
  });
});
