// Builds deploy/Containerfile and runs the image's command, when asked: CONTAINER_BUILD_IMAGE
// names the Node base image (on a machine without an image registry, one made by
// scripts/container-base.sh). Needs buildah; takes about 5 minutes on a loaded 2-core
// machine (the build's `npm ci`), so CI does not run it:
//   scripts/container-base.sh localhost/node-base:20
//   CONTAINER_BUILD_IMAGE=localhost/node-base:20 npx vitest run --project integration test/e2e/container.test.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRoute } from '../../src/admin/http/server.js';
import { run, runChecked } from '../harness/proc.js';

const REPO = join(import.meta.dirname, '../..');
const BASE = process.env.CONTAINER_BUILD_IMAGE;
const TAG = `localhost/matrix-platform-bridge:test-${process.pid}`;
const BUILD_MS = 20 * 60_000;
let container = '';

interface ImageConfig {
  Entrypoint: string[];
  Cmd: string[];
  Healthcheck: { Test: string[] };
}

/** Runs a command in the built image as the image's own user. */
function inImage(args: string[], options: string[] = []) {
  const runArgs = ['run', '--isolation', 'chroot', '--user', 'matrix-bridge', ...options];
  return run('buildah', [...runArgs, container, '--', ...args], { timeoutMs: 120_000 });
}

describe.skipIf(!BASE)('the container image of deploy/Containerfile', () => {
  beforeAll(async () => {
    const args = ['bud', '--isolation', 'chroot', '--format', 'docker', '--build-arg'];
    args.push(`NODE_IMAGE=${BASE}`, '-f', 'deploy/Containerfile', '-t', TAG, '.');
    await runChecked('buildah', args, { cwd: REPO, timeoutMs: BUILD_MS });
    container = (await runChecked('buildah', ['from', '-q', TAG])).stdout.trim();
  }, BUILD_MS);

  afterAll(async () => {
    if (container) await run('buildah', ['rm', container]);
    await run('buildah', ['rmi', TAG]);
  });

  it('runs matrix-platform-bridge --help and --version as a non-root user', async () => {
    const help = await inImage(['/usr/local/bin/matrix-platform-bridge', '--help']);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^usage: matrix-platform-bridge <command>/);
    const version = await inImage(['/usr/local/bin/matrix-platform-bridge', '--version']);
    expect(version.stdout).toMatch(/^matrix-platform-bridge \d+\.\d+\.\d+\n$/);
    const id = await inImage(['id', '-u']);
    expect(Number(id.stdout.trim())).toBeGreaterThan(0);
  });

  it('starts with its own command line and says which config file is missing', async () => {
    const inspect = await runChecked('buildah', ['inspect', '--type', 'image', TAG]);
    const config = (JSON.parse(inspect.stdout) as { Docker: { config: ImageConfig } }).Docker
      .config;
    const started = await inImage([...config.Entrypoint, ...config.Cmd]);
    expect(started.code).not.toBe(0);
    expect(started.stderr).toContain('/etc/matrix-platform-bridge/config.yaml');
  });

  it("has a health check that passes on the bridge's /health and fails without it", async () => {
    const inspect = await runChecked('buildah', ['inspect', '--type', 'image', TAG]);
    const check = (JSON.parse(inspect.stdout) as { Docker: { config: ImageConfig } }).Docker.config
      .Healthcheck.Test;
    expect(check[0]).toBe('CMD');
    // The bridge's own /health route, on this machine (chroot isolation shares its network).
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (healthRoute.matches(path)) void healthRoute.handle(req, res, path);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const probe = (path: string) =>
        inImage(check.slice(1), ['--env', `HEALTH_URL=http://127.0.0.1:${port}${path}`]);
      expect((await probe('/health')).code).toBe(0);
      expect((await probe('/not-health')).code).toBe(1);
    } finally {
      server.close();
    }
  });
});
