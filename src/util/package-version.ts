import { readFileSync } from 'node:fs';

const PACKAGE_NAME = 'matrix-platform-bridge';

/**
 * The bridge's own version from its package.json. The module runs from `src/util/` (tests,
 * tsx) and from `dist/src/util/` (built, installed), so the file is looked for in each parent
 * folder in turn; the first package.json with the bridge's name wins.
 */
export function bridgeVersion(from: string | URL = import.meta.url): string {
  // Read once per location: /health and every logger ask, and the file does not change.
  const key = String(from);
  let version = versions.get(key);
  if (version === undefined) {
    version = readVersion(from);
    versions.set(key, version);
  }
  return version;
}

const versions = new Map<string, string>();

function readVersion(from: string | URL): string {
  for (let up = '../'; up.length <= 5 * 3; up += '../') {
    const version = versionAt(new URL(`${up}package.json`, from));
    if (version) return version;
  }
  return 'unknown';
}

function versionAt(url: URL): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === PACKAGE_NAME && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    // No package.json at this level (or not readable): look one level higher.
    return undefined;
  }
}
