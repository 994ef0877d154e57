/**
 * README's first command, as a new operator runs it: `npm run demo -- --keep` shows messages
 * crossing, then leaves a sandbox whose printed config, CLI command, URLs and admin user
 * work, and stops cleanly on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { runChecked } from '../harness/proc.js';
import { waitFor } from '../harness/wait.js';

const REPO = join(import.meta.dirname, '../..');
const MAIN = join(REPO, 'dist/src/cli/main.js');
/** Synapse start-up and the crossings on a loaded machine. */
const DEMO_READY_MS = 8 * 60_000;

let demo: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  // Ctrl-C lets the demo stop its Synapse; a kill is the last resort.
  if (!demo || demo.exitCode !== null || demo.signalCode !== null) return;
  const gone = new Promise((resolve) => demo?.once('close', resolve));
  demo.kill('SIGINT');
  const timer = setTimeout(() => demo?.kill('SIGKILL'), 60_000);
  await gone;
  clearTimeout(timer);
}, 90_000);

const canBind = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });

/** A port whose next two are free too: the demo listens on all three. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65_533) continue;
    if ((await canBind(base + 1)) && (await canBind(base + 2))) return base;
  }
}

const printed = (label: string): string => {
  const match = new RegExp(`^${label}:\\s+(\\S+)`, 'm').exec(output);
  if (!match?.[1]) throw new Error(`the demo printed no "${label}:" line:\n${output}`);
  return match[1];
};

describe('npm run demo -- --keep', () => {
  it(
    'shows messages crossing, then leaves a sandbox that works, and stops on Ctrl-C',
    async () => {
      const base = await freePortBase();
      demo = spawn(
        join(REPO, 'node_modules/.bin/vite-node'),
        ['scripts/demo.ts', '--keep', '--port-base', String(base)],
        { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      demo.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
      demo.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
      const exited = new Promise<number | null>((resolve) => demo?.once('close', resolve));
      await waitFor(
        () => {
          if (output.includes('demo failed')) throw new Error(output);
          return output.includes('Next steps:');
        },
        { what: 'the demo to reach its sandbox', timeoutMs: DEMO_READY_MS },
      );
      expect(output).toMatch(/Mattermost -> Matrix: 3 events/);
      expect(output).toMatch(/Matrix -> Mattermost: 3 events/);
      // Every long step says how long it took.
      expect(output).toMatch(/starting Synapse: done in \d+\.\d s/);
      expect(output).toMatch(/starting the bridge .*: done in \d+\.\d s/);

      const bridgeUrl = `http://127.0.0.1:${base}`;
      expect(printed('console')).toBe(`${bridgeUrl}/_bridge/console/`);
      expect(printed('synapse')).toBe(`http://127.0.0.1:${base + 1}`);
      expect(printed('mattermost')).toBe(`http://127.0.0.1:${base + 2}`);
      expect(await (await fetch(`${bridgeUrl}/health`)).json()).toMatchObject({ status: 'ok' });
      expect((await fetch(printed('console'))).status).toBe(200);
      expect((await fetch(printed('metrics'))).status).toBe(200);

      // The printed config drives the CLI, and its secret is an admin's.
      const config = printed('config');
      const list = await runChecked(process.execPath, [MAIN, 'list', '-c', config]);
      expect(list.stdout).toContain(printed('room'));
      const audit = await runChecked(process.execPath, [MAIN, 'audit', '-c', config]);
      expect(audit.stdout).toMatch(/config-file via config: link ok/);

      demo.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped cleanly');
    },
    DEMO_READY_MS + 2 * 60_000,
  );
});
