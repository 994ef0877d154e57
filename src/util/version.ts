/**
 * The bridge's version, from its package.json: one source for `--version`, the start-up log
 * line and anything else that reports it. Found by walking up from this module, which sits at
 * src/util/ when run from source and at dist/src/util/ when built or installed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'matrix-platform-bridge';

let cached: string | undefined;

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not ours): look one folder up
    }
    const parent = dirname(dir);
    // A copy without its package.json still runs; it says so instead of guessing.
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** `version` of the bridge's package.json, or "unknown" when none is found. */
export function bridgeVersion(): string {
  cached ??= readVersion();
  return cached;
}
