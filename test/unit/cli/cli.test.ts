/**
 * The command line: --version from package.json, each command's own help, and administration
 * commands that call the running bridge with the provisioning secret without needing any
 * platform secret in the environment.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { COMMAND_HELP } from '../../../src/cli/usage.js';
import { BridgeError } from '../../../src/util/errors.js';

const PACKAGE = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as { version: string };
const SECRET = 'cli-test-secret-0123456789abcdef';
const MISSING_ENV = 'CLI_TEST_PLATFORM_TOKEN_NEVER_SET';

let dir: string;
let api: Server;
const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

function writeConfig(port: number): string {
  const path = join(dir, 'config.yaml');
  writeFileSync(
    path,
    `homeserver: { url: "http://127.0.0.1:8008", domain: agency.example }
appservice: { port: ${port}, url: "http://127.0.0.1:${port}" }
admin:
  provisioning: { secret: ${SECRET} }
connectors:
  mattermost:
    workspaces:
      agency-a: { url: "https://mm.agency.example", token: "\${env:${MISSING_ENV}}" }
portals:
  - room: "!room:agency.example"
    links: [{ connector: mattermost, workspace: agency-a, channel: hxq9tbyn3jyx8gm8qqhtwb7cwa }]
`,
  );
  return path;
}

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const result = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) }).then(
    (code) => ({ code, error: undefined }),
    (error: unknown) => ({ code: undefined, error }),
  );
  return { ...result, out, err };
}

let configPath: string;

beforeAll(async () => {
  delete process.env[MISSING_ENV];
  dir = mkdtempSync(join(tmpdir(), 'bridge-cli-unit-'));
  // A stand-in for the running bridge's provisioning API, on loopback.
  api = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ portals: [] }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  configPath = writeConfig((api.address() as { port: number }).port);
});

afterAll(async () => {
  await new Promise((r) => api.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('matrix-platform-bridge', () => {
  it.each([['--version'], ['-V']])('%s prints the version from package.json', async (flag) => {
    expect(await cli(flag)).toMatchObject({
      code: 0,
      out: `matrix-platform-bridge ${PACKAGE.version}\n`,
    });
  });

  it('--help lists every command; no command is a usage error on stderr', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const name of Object.keys(COMMAND_HELP)) expect(help.out).toContain(`  ${name} `);
    expect(help.out).toContain('--version');
    const none = await cli();
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toMatch(/^no command given\nusage:/);
    const unknown = await cli('lnik');
    expect(unknown.err).toMatch(/^unknown command "lnik"/);
  });

  it.each(
    Object.entries(COMMAND_HELP).flatMap(([name, h]) => [
      [name, '--help', h.synopsis],
      [name, '-h', h.synopsis],
    ]),
  )('%s %s shows that command’s own usage', async (name, flag, synopsis) => {
    // No config file is read for help: the -c path does not exist.
    const help = await cli(name, flag, '-c', join(dir, 'absent.yaml'));
    expect(help.code).toBe(0);
    expect(help.out.split('\n')[0]).toBe(`usage: matrix-platform-bridge ${synopsis}`);
    expect(help.out).not.toContain('commands:');
    const others = Object.entries(COMMAND_HELP).filter(([n]) => n !== name);
    for (const [, other] of others) expect(help.out).not.toContain(other.summary);
    expect(help.out).toContain('-c, --config <path>');
  });

  it.each([
    ['list', [], '/_bridge/admin/v1/portals'],
    ['status', [], '/_bridge/admin/v1/connectors'],
    ['audit', ['--limit', '3'], '/_bridge/admin/v1/audit?limit=3'],
    [
      'channels',
      ['mattermost', 'agency-a'],
      '/_bridge/admin/v1/connectors/mattermost/workspaces/agency-a/channels',
    ],
  ])('%s calls the bridge without any platform secret set', async (command, args, path) => {
    requests.length = 0;
    const run = await cli(command, ...args, '-c', configPath);
    expect(run.error).toBeUndefined();
    expect(run.code).toBe(0);
    expect(requests[0]).toMatchObject({
      url: path,
      headers: { authorization: `Bearer ${SECRET}`, 'x-admin-path': 'cli' },
    });
  });

  it('start still demands every platform secret, naming the key', async () => {
    const run = await cli('start', '-c', configPath);
    expect(run.error).toBeInstanceOf(BridgeError);
    expect((run.error as BridgeError).code).toBe('CONFIG_INVALID');
    expect((run.error as BridgeError).message).toContain(
      `connectors.mattermost.workspaces.agency-a.token: environment variable ${MISSING_ENV} is not set`,
    );
  });

  it.each([
    ['start', '--bogus'],
    ['generate-registration', '--outptu', 'x.yaml'],
    ['list', '--limt', '3'],
  ])('%s %s is a usage error that points at the command’s help', async (command, ...args) => {
    const run = await cli(command, ...args, '-c', configPath);
    expect((run.error as BridgeError).code).toBe('CLI_USAGE');
    expect((run.error as BridgeError).message).toContain(
      `matrix-platform-bridge ${command} --help`,
    );
  });
});
