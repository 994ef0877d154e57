// The product as a user gets it: `npm pack` of the built repository, installed with production
// dependencies only into an empty folder, must run its CLI and load every connector; and the
// tarball must hold none of the development-only trees (simulators, bench, tests, scripts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, runChecked } from '../harness/proc.js';

const REPO = join(import.meta.dirname, '../..');
/** Installing ~300 packages on a loaded 2-core machine can take minutes. */
const INSTALL_MS = 15 * 60_000;
const DEV_ONLY_TREES = ['simulators', 'bench', 'test', 'scripts', 'examples'];

/** npm settings of an enclosing `npm test` (npm_config_*) must not leak into these runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

let work: string;
let packed: string[];
let installDir: string;

/** Packs the repository as it is built; returns the tarball and the paths it holds. */
async function packRepository(): Promise<{ tarball: string; files: string[] }> {
  // --ignore-scripts: the integration project runs on the build `npm test` made; prepack's clean
  // build would rewrite dist/ under the other test files that are running it.
  const { stdout } = await runChecked(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    { cwd: REPO, env: cleanEnv(), timeoutMs: INSTALL_MS },
  );
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!report) throw new Error(`npm pack printed no report: ${stdout}`);
  return { tarball: join(work, report.filename), files: report.files.map((f) => f.path) };
}

/** Installs the tarball into an empty folder the way a user would, production packages only. */
async function installTarball(tarball: string): Promise<string> {
  const target = mkdtempSync(join(work, 'install-'));
  // Without a package.json here npm would look for a project in the folders above.
  writeFileSync(
    join(target, 'package.json'),
    JSON.stringify({ name: 'install-check', private: true }),
  );
  const args = ['install', '--prefer-offline', '--omit=dev', '--no-audit', '--no-fund', tarball];
  await runChecked('npm', args, { cwd: target, env: cleanEnv(), timeoutMs: INSTALL_MS });
  return target;
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/src/cli/main.js'))) {
    throw new Error('dist/ is not built: run `npm run build` before the integration tests');
  }
  work = mkdtempSync(join(tmpdir(), 'bridge-pack-'));
  const { tarball, files } = await packRepository();
  packed = files;
  installDir = await installTarball(tarball);
}, INSTALL_MS * 2);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed product', () => {
  it('holds no simulator, bench, test, script or example files', () => {
    const devOnly = packed.filter((path) => {
      const segments = path.split('/');
      const tree = segments[0] === 'dist' ? segments[1] : segments[0];
      return DEV_ONLY_TREES.includes(tree ?? '') || segments.includes('simulator');
    });
    expect(devOnly).toEqual([]);
  });

  it('holds the CLI, the migrations, the console, the sample config and every connector', () => {
    const connectors = readdirSync(join(REPO, 'connectors'));
    expect(connectors.length).toBeGreaterThanOrEqual(4);
    const needed = [
      'dist/src/cli/main.js',
      'dist/migrations/index.js',
      'src/admin/console/index.html',
      'config/config.sample.yaml',
      'deploy/matrix-platform-bridge.service',
      'vendor/no-e2ee-crypto/index.js',
      ...connectors.map((id) => `dist/connectors/${id}/index.js`),
    ];
    expect(needed.filter((path) => !packed.includes(path))).toEqual([]);
  });

  it('installs with production dependencies only and runs matrix-platform-bridge --help', async () => {
    const bin = join(installDir, 'node_modules/.bin/matrix-platform-bridge');
    const result = await run(bin, ['--help'], { cwd: installDir, timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^usage: matrix-platform-bridge <command>/);
    expect(result.code).toBe(0);
    // The version is read from the installed package.json, found from dist/src/util/.
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      version: string;
    };
    const shown = await run(bin, ['--version'], { cwd: installDir, timeoutMs: 120_000 });
    expect(shown.stdout).toBe(`matrix-platform-bridge ${version}\n`);
  });

  it('ships a systemd unit that systemd accepts, for the installed command', async () => {
    const bin = join(installDir, 'node_modules/.bin/matrix-platform-bridge');
    const shipped = readFileSync(
      join(installDir, 'node_modules/matrix-platform-bridge/deploy/matrix-platform-bridge.service'),
      'utf8',
    );
    const execStart = /^ExecStart=(\S+) (.*)$/m.exec(shipped);
    expect(execStart?.[1]).toBe('/usr/local/bin/matrix-platform-bridge');
    // The same unit, pointed at where this test installed the command.
    const unit = join(work, 'matrix-platform-bridge.service');
    writeFileSync(unit, shipped.replace(execStart![1]!, bin));
    const verified = await run('systemd-analyze', ['verify', unit], { timeoutMs: 120_000 });
    // Any complaint (an unknown key, a bad value) is printed, even when the exit code is 0.
    expect(verified.stderr + verified.stdout).toBe('');
    expect(verified.code).toBe(0);
    // Its command line is one the CLI takes: without the config file it says which file.
    const args = execStart![2]!
      .split(' ')
      .map((a) => (a.endsWith('.yaml') ? join(work, 'none.yaml') : a));
    const started = await run(bin, args, { cwd: installDir, timeoutMs: 120_000 });
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain(join(work, 'none.yaml'));
    expect(started.stderr).not.toMatch(/usage|unknown option/i);
  });

  it('loads every packed connector without development packages', async () => {
    const base = join(installDir, 'node_modules/matrix-platform-bridge/dist');
    const ids = readdirSync(join(base, 'connectors'));
    const script = [
      `await import(${JSON.stringify(join(base, 'src/matrix/crypto-binding.js'))});`,
      `for (const id of ${JSON.stringify(ids)}) {`,
      `  const { definition } = await import(${JSON.stringify(base)} + '/connectors/' + id + '/index.js');`,
      `  console.log(id, definition.id);`,
      `}`,
    ].join('\n');
    const result = await runChecked(process.execPath, ['--input-type=module', '-e', script], {
      cwd: installDir,
      timeoutMs: 120_000,
    });
    expect(result.stdout.trim().split('\n')).toEqual(ids.map((id) => `${id} ${id}`));
  });
});
