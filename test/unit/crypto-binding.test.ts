// An installed bridge (npm install of its tarball) gets the real crypto binding nested under the
// Matrix SDK, because npm ignores an installed package's overrides. These tests lay out that
// node_modules tree and check the SDK then loads the bridge's stand-in, not the real binding.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { useStandInCryptoBinding } from '../../src/matrix/crypto-binding.js';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function writePackage(dir: string, name: string, indexJs: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), indexJs);
}

/** node_modules as `npm install <tarball>` leaves it; returns a file inside the bridge. */
function installedLayout(nestedRealBinding: boolean): { bridgeFile: string; sdkDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'crypto-binding-'));
  roots.push(root);
  const modules = join(root, 'node_modules');
  const binding = '@matrix-org/matrix-sdk-crypto-nodejs';
  writePackage(join(modules, binding), binding, "module.exports = { kind: 'stand-in' };");
  const sdkDir = join(modules, '@vector-im/matrix-bot-sdk');
  writePackage(sdkDir, '@vector-im/matrix-bot-sdk', `module.exports = require('${binding}');`);
  if (nestedRealBinding) {
    const real = "throw new Error('Cannot find module matrix-sdk-crypto-nodejs-linux-x64-gnu');";
    writePackage(join(sdkDir, 'node_modules', binding), binding, real);
  }
  const bridgeDir = join(modules, 'matrix-platform-bridge', 'dist');
  mkdirSync(bridgeDir, { recursive: true });
  return { bridgeFile: join(bridgeDir, 'main.js'), sdkDir };
}

describe('the Matrix SDK loads the stand-in crypto binding', () => {
  it.each([
    ['the real binding is nested under the SDK', true],
    ['the SDK already shares the stand-in', false],
  ])('%s', (_name, nestedRealBinding) => {
    const { bridgeFile, sdkDir } = installedLayout(nestedRealBinding);
    if (nestedRealBinding) {
      expect(() => createRequire(bridgeFile)(sdkDir)).toThrow(/linux-x64-gnu/);
      delete createRequire(bridgeFile).cache[join(sdkDir, 'index.js')];
    }
    useStandInCryptoBinding(pathToFileURL(bridgeFile));
    expect(createRequire(bridgeFile)(sdkDir)).toEqual({ kind: 'stand-in' });
  });
});
