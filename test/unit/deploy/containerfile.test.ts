// deploy/Containerfile must say what the rest of the product says: the systemd unit's command
// line, package.json's command and Node version, the route table's health path, the sample
// config's port. (Building the image needs a container builder: test/e2e/container.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { healthRoute } from '../../../src/admin/http/server.js';
import { lastStage, readContainerfile } from './containerfile.js';

const REPO = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  bin: Record<string, string>;
  engines: { node: string };
};
const unit = read('deploy/matrix-platform-bridge.service');
const unitKey = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1] ?? '';
const file = readContainerfile(join(REPO, 'deploy/Containerfile'));
const runtime = lastStage(file);
const json = (instruction: string) => JSON.parse(runtime.one(instruction)) as string[];

describe('deploy/Containerfile', () => {
  it("runs the systemd unit's command line, with package.json's command", () => {
    const argv = [...json('ENTRYPOINT'), ...json('CMD')];
    expect(argv.join(' ')).toBe(unitKey('ExecStart'));
    expect(Object.keys(pkg.bin)).toEqual([argv[0]!.split('/').pop()]);
  });

  it('builds on the Node major version package.json asks for', () => {
    const major = /^>=(\d+)\./.exec(pkg.engines.node)?.[1];
    expect(major).toBeDefined();
    const base = /^NODE_IMAGE=\S+:(\d+)-/.exec(file.stages[0]!.preamble.ARG?.[0] ?? '');
    expect(base?.[1]).toBe(major);
    for (const stage of file.stages) expect(stage.from).toMatch(/^\$\{NODE_IMAGE\}( AS \w+)?$/);
  });

  it('installs the packed product with production packages only, and runs it as non-root', () => {
    const runs = runtime.all('RUN').join('\n');
    expect(runs).toMatch(/npm install --global --prefix \/usr\/local --omit=dev .*\.tgz/);
    expect(runtime.all('COPY')).toEqual(['--from=build /pkg/ /tmp/pkg/']);
    const user = runtime.one('USER');
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runs).toMatch(new RegExp(`useradd --uid (\\d+) [^&]* ${user}\\b`));
    expect(Number(/useradd --uid (\d+)/.exec(runs)?.[1])).toBeGreaterThan(999);
  });

  it('keeps the config and the state in volumes, where the unit keeps them', () => {
    const volumes = JSON.parse(runtime.one('VOLUME')) as string[];
    const config = json('CMD').find((a) => a.endsWith('.yaml'))!;
    expect(volumes).toContain(config.slice(0, config.lastIndexOf('/')));
    expect(volumes).toContain(unitKey('WorkingDirectory'));
    expect(runtime.one('WORKDIR')).toBe(unitKey('WorkingDirectory'));
  });

  it("exposes the sample config's port and checks a health path the bridge serves", () => {
    const sample = parseYaml(read('config/config.sample.yaml')) as {
      appservice: { port: number };
    };
    expect(runtime.all('EXPOSE')).toEqual([String(sample.appservice.port)]);
    const url = new URL(/^HEALTH_URL=(\S+)$/.exec(runtime.one('ENV', 'HEALTH_URL'))![1]!);
    expect(url.port).toBe(String(sample.appservice.port));
    expect(healthRoute.matches(url.pathname)).toBe(true);
    expect(runtime.one('HEALTHCHECK')).toContain('process.env.HEALTH_URL');
  });

  it('builds from a context without local installs, builds or secrets', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const path of ['node_modules/', 'dist/', '.git/', 'config/config.yaml', '*.tgz']) {
      expect(ignored, path).toContain(path);
    }
  });
});
