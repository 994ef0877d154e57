import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand, type AdminCommand } from '../../src/cli/admin-commands.js';
import { BridgeError } from '../../src/util/errors.js';
import { createAdminWorld, type AdminWorld } from './admin-fixture.js';

const MAIN = join(import.meta.dirname, '../../dist/src/cli/main.js');

let w: AdminWorld;
let dir: string;
let configPath: string;

/** Runs a subcommand the way main.ts does, capturing what it prints. */
async function cli(command: AdminCommand, ...args: string[]): Promise<string> {
  let out = '';
  const code = await runAdminCommand(command, args, w.config, { out: (t) => (out += t) });
  expect(code).toBe(0);
  return out;
}

async function cliError(command: AdminCommand, ...args: string[]): Promise<BridgeError> {
  const err = await cli(command, ...args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  return err as BridgeError;
}

beforeAll(async () => {
  w = await createAdminWorld();
  dir = mkdtempSync(join(tmpdir(), 'bridge-cli-'));
  configPath = join(dir, 'config.yaml');
  const { database, ...rest } = w.config;
  writeFileSync(configPath, stringify({ ...rest, database: { data_dir: database.data_dir } }));
});

afterAll(async () => {
  await w?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CLI over the provisioning API', () => {
  it('lists, shows status and channels, links and unlinks, with path "cli" in the audit log', async () => {
    expect(await cli('list')).toBe('no room is bridged\n');
    expect(await cli('channels', 'mattermost', 'main')).toContain(
      `${w.channels.townSquare}  Agency / Town Square`,
    );
    const room = await w.newRoom();
    const linked = await cli(
      'link',
      'mattermost',
      'main',
      w.channels.townSquare,
      room,
      '--as',
      w.linker.userId,
    );
    expect(linked).toBe(`linked ${room} ↔ mattermost "Town Square"\n`);
    expect(
      w.bridge.directory.linkFor({
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.townSquare,
      }),
    ).toMatchObject({ source: 'cli' });
    expect(await cli('list')).toContain(
      `${room}\n  ↔ mattermost main ${w.channels.townSquare}  [cli,`,
    );
    expect(await cli('status')).toMatch(
      /^mattermost main: connected since .*\nrecent delivery failures: 0\n$/,
    );

    const json = JSON.parse(await cli('list', '--json')) as { portals: Array<{ room_id: string }> };
    expect(json.portals.map((p) => p.room_id)).toEqual([room]);

    expect(await cli('unlink', 'mattermost', 'main', w.channels.townSquare)).toBe(
      `unlinked mattermost main ${w.channels.townSquare} from ${room} (the room is no longer bridged)\n`,
    );
    const audit = await cli('audit', '--limit', '2');
    expect(audit.split('\n')[0]).toMatch(/provisioning-secret via cli: unlink ok/);
    expect(audit.split('\n')[1]).toMatch(/\(via provisioning secret\) via cli: link ok/);
  });

  it('applies the permissions of the user it acts for, and says why it failed', async () => {
    const room = await w.newRoom(w.plain);
    // The room first, as earlier releases took it, still works.
    const denied = await cliError(
      'link',
      room,
      'mattermost',
      'main',
      w.channels.random,
      '--as',
      w.plain.userId,
    );
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toContain('needs the "linker" permission');
    const unknown = await cliError('unlink', 'mattermost', 'main', 'nothing-here');
    expect(unknown.code).toBe('LINK_NOT_FOUND');
    const usage = await cliError('link', room);
    expect(usage.code).toBe('CLI_USAGE');
    const offline = await cliError('list', '--url', 'http://127.0.0.1:9');
    expect(offline.code).toBe('CLI_BRIDGE_UNREACHABLE');
  });

  it('works as the installed command (dist build)', async () => {
    expect(existsSync(MAIN), `${MAIN} missing: run npm run build first (npm test does)`).toBe(true);
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [MAIN, ...args, '-c', configPath]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const ok = await run('channels', 'mattermost', 'main');
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Agency / Random');
    const bad = await run('unlink', 'mattermost', 'main', 'nothing-here');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error \[LINK_NOT_FOUND\]: channel mattermost\/main\/nothing-here is not linked/,
    );
  });
});
